// The import worker's Lambda handler, wired as deployed (clients from the environment, the
// invocation's remaining time): an SQS record runs the import; a message that is not one fails alone.

import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ulid } from 'ulid';
import { beforeAll, describe, expect, it } from 'vitest';
import { newImport } from '../../domain/imports/csv-import.ts';
import { createImportRepository } from '../../functions/imports/import.repository.ts';
import { importObjectKey } from '../../functions/imports/import-file-store.ts';
import { documentClient, mailBucket, s3Client, tableName } from '../support/aws.ts';
import { useConsumerEnv } from '../support/consumer-env.ts';
import { lambdaContext, sqsEvent } from '../support/events.ts';

const doc = documentClient();
const s3 = s3Client();
const imports = createImportRepository(doc, tableName);

// imported in beforeAll, once the environment it reads at import is set
let handler: typeof import('../../functions/imports/import-worker.handler.ts')['handler'];

beforeAll(async () => {
  useConsumerEnv('csv-imports');
  ({ handler } = await import('../../functions/imports/import-worker.handler.ts'));
});

describe('the import worker handler', () => {
  it('runs the import a csv-import-requested message names, and fails only the message that is not one', async () => {
    const id = ulid();
    await imports.create(newImport({ id, filename: 'a.csv', mapping: null, createdBy: null, now: new Date() }));
    await s3.send(
      new PutObjectCommand({
        Bucket: mailBucket,
        Key: importObjectKey(id),
        Body: 'Firma;E-Mail\nHandler GmbH;h@example.com\n',
      }),
    );
    await imports.markQueued(id, new Date());
    const body = JSON.stringify({
      type: 'csv-import-requested',
      version: 1,
      importId: id,
      requestedAt: new Date().toISOString(),
    });

    const res = await handler(
      sqsEvent([
        { id: 'good', body },
        { id: 'poison', body: '{"type":"csv-import-requested"}' },
      ]),
      lambdaContext(),
    );

    expect(res).toEqual({ batchItemFailures: [{ itemIdentifier: 'poison' }] });
    expect(await imports.get(id)).toMatchObject({ status: 'done', rowsImported: 1 });
  });
});
