// The import routes through their Lambda handler against DynamoDB Local and the emulator: the
// presigned upload URL really takes a PUT, start refuses what it must, the report reads back.
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { createImportRepository } from '../../functions/imports/import.repository.ts';
import { createImportFileStore, importObjectKey } from '../../functions/imports/import-file-store.ts';
import { startImport } from '../../functions/imports/manage-imports.ts';
import { createUserRepository } from '../../functions/users/user.repository.ts';
import { documentClient, mailBucket, mentioning, queueUrl, s3Client, tableName, takeMessage } from '../support/aws.ts';
import { apiEvent, lambdaContext } from '../support/events.ts';

const doc = documentClient();
const s3 = s3Client();
const sub = 'import-tester';

// imported in beforeAll, once the environment it reads at import is set
let handler: typeof import('../../functions/imports/imports-api.handler.ts')['handler'];

const call = async (routeKey: string, options: { id?: string; body?: unknown } = {}) => {
  const path = routeKey.split(' ')[1]?.replace('{id}', options.id ?? '') ?? '/';
  const res = await handler(
    apiEvent({
      routeKey,
      path,
      sub,
      ...(options.id ? { pathParameters: { id: options.id } } : {}),
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    }),
    lambdaContext(),
  );
  return { status: res.statusCode, json: res.body ? JSON.parse(res.body) : undefined };
};

const create = async (body: unknown = { filename: 'kontakte.csv' }) => call('POST /v1/imports', { body });

beforeAll(async () => {
  process.env.QUEUE_URL_CSV_IMPORTS = queueUrl('csv-imports');
  await createUserRepository(doc, tableName).save(
    { id: sub, email: 'importer@example.com', name: 'Importer', roles: ['sales'] },
    { upsert: true },
  );
  ({ handler } = await import('../../functions/imports/imports-api.handler.ts'));
});

describe('the import API (handler, DynamoDB Local, emulator S3 and SQS)', () => {
  it('creates an import whose upload URL takes the file with a plain PUT, and starts it once', async () => {
    const created = await create({ filename: 'kontakte.csv', mapping: { Kundenname: 'companyName', Intern: null } });
    const id: string = created.json.id;
    const csv = 'Kundenname;E-Mail\nMüller GmbH;info@mueller.example\n';

    const put = await fetch(created.json.uploadUrl, { method: 'PUT', body: csv });
    const stored = await s3.send(new GetObjectCommand({ Bucket: mailBucket, Key: importObjectKey(id) }));
    const started = await call('POST /v1/imports/{id}/start', { id });
    const again = await call('POST /v1/imports/{id}/start', { id });
    const report = await call('GET /v1/imports/{id}', { id });
    const message = await takeMessage('csv-imports', mentioning(id));

    expect(created).toMatchObject({ status: 201, json: { id: expect.any(String) } });
    expect(new URL(created.json.uploadUrl).searchParams.get('X-Amz-Expires')).toBe('900');
    // no checksum of an empty body signed into the URL: S3 would refuse every real upload
    expect(created.json.uploadUrl).not.toContain('x-amz-checksum');
    expect(put.status).toBe(200);
    expect(await stored.Body?.transformToString()).toBe(csv);
    expect(started).toMatchObject({ status: 202, json: { id, status: 'queued' } });
    expect(again).toMatchObject({ status: 409, json: { detail: expect.stringContaining('started already') } });
    expect(report).toEqual({
      status: 200,
      json: { id, status: 'queued', rowsTotal: 0, rowsImported: 0, rowsSkipped: 0, rowsFailed: 0, errors: [] },
    });
    expect(message).toMatchObject({ type: 'csv-import-requested', version: 1, importId: id });
    expect((await createImportRepository(doc, tableName).get(id))?.mapping).toEqual({
      Kundenname: 'companyName',
      Intern: null,
    });
  });

  it('refuses to start an import before its file is uploaded', async () => {
    const { json } = await create();

    const res = await call('POST /v1/imports/{id}/start', { id: json.id });

    expect(res).toMatchObject({ status: 409, json: { detail: expect.stringContaining('has no file yet') } });
    expect((await call('GET /v1/imports/{id}', { id: json.id })).json.status).toBe('waiting_upload');
  });

  it('answers 404 for an unknown import', async () => {
    expect((await call('GET /v1/imports/{id}', { id: 'no-such-import' })).status).toBe(404);
    expect((await call('POST /v1/imports/{id}/start', { id: 'no-such-import' })).status).toBe(404);
  });

  it('names each bad field of a new import: a missing filename, a mapping to no contact field', async () => {
    const res = await create({ mapping: { Name: 'fullName' } });

    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual(
      expect.arrayContaining([
        { field: 'filename', message: expect.any(String) },
        { field: 'mapping.Name', message: expect.stringContaining('companyName') },
      ]),
    );
  });

  it('puts the import back to waiting when the start message cannot be sent, so starting again works', async () => {
    const { json } = await create();
    await fetch(json.uploadUrl, { method: 'PUT', body: 'Nachname\nMuster\n' });
    const imports = createImportRepository(doc, tableName);
    const start = startImport({
      imports,
      files: createImportFileStore({ s3, bucket: mailBucket }),
      publisher: {
        publish: async () => {
          throw new Error('SQS down');
        },
      },
      csvImportsQueueUrl: 'csv-imports',
      now: () => new Date(),
    });
    const request = {
      body: undefined,
      bodyKind: null,
      path: { id: json.id },
      query: undefined,
      user: null,
      headers: {},
      event: apiEvent({ routeKey: 'POST /v1/imports/{id}/start' }),
      requestId: 'r',
    };

    await expect(start(request)).rejects.toThrow('SQS down');

    expect((await imports.get(json.id))?.status).toBe('waiting_upload');
    expect((await call('POST /v1/imports/{id}/start', { id: json.id })).status).toBe(202);
  });
});
