// The intake functions' table grants hold what they really do: each handler, wired as deployed,
// takes its kind of lead (a web-form submission with an Idempotency-Key, an agency batch, a Facebook
// lead, a CSV import) and every request it makes of DynamoDB — each part of a transaction as IAM
// authorizes it — must be allowed by the policy the stack gives that function: its actions, and
// `dynamodb:LeadingKeys` matching one of its partitions. A change that makes an intake function touch
// a new kind of item fails here before it fails in AWS with AccessDenied.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newImport } from '../../domain/imports/csv-import.ts';
import { demoWebform } from '../../domain/webforms/webform.ts';
import { createAgencyRepository } from '../../functions/agencies/agency.repository.ts';
import { createAgency, createAgencyKey } from '../../functions/agencies/manage-agencies.ts';
import { createImportRepository } from '../../functions/imports/import.repository.ts';
import { importObjectKey } from '../../functions/imports/import-file-store.ts';
import { createSettingsRepository } from '../../functions/settings/settings.repository.ts';
import { createUserRepository } from '../../functions/users/user.repository.ts';
import { webforms } from '../../functions/webforms/webform.entity.ts';
import { createWebformRepository } from '../../functions/webforms/webform.repository.ts';
import { functionSpec } from '../../infra/manifest.ts';
import { tableGrantAllows } from '../../infra/table-grants.ts';
import { documentClient, mailBucket, s3Client, tableName, useLocalAwsEnv } from '../support/aws.ts';
import { useConsumerEnv } from '../support/consumer-env.ts';
import { apiEvent, lambdaContext, sqsEvent } from '../support/events.ts';
import { type FakeGraphServer, startFakeGraphServer } from '../support/fake-graph-server.ts';
import { ensureDemoForm } from '../support/fixtures.ts';
import { recordTableAccess, type TableAccess } from '../support/table-access.ts';

const doc = documentClient();
const facebookConfig = { appSecret: 's', verifyToken: 'v', pages: { '2000000000000001': 'token-of-page-1' } };
let graph: FakeGraphServer;

type Handler = (event: never, context: never) => Promise<unknown>;
const handlers: Record<string, Handler> = {};

beforeAll(async () => {
  graph = await startFakeGraphServer();
  const file = join(await mkdtemp(join(tmpdir(), 'kontakt-grants-')), 'facebook.json');
  await writeFile(file, JSON.stringify(facebookConfig));
  useLocalAwsEnv();
  Object.assign(process.env, { FACEBOOK_CONFIG_FILE: file, GRAPH_API_BASE_URL: graph.baseUrl });
  useConsumerEnv('facebook-leads', 'csv-imports');
  delete process.env.SUBMISSION_LIMITS;
  handlers['webform-submissions'] = (await import('../../functions/webforms/webform-submissions.handler.ts'))
    .handler as Handler;
  handlers['agency-leads'] = (await import('../../functions/agencies/agency-leads.handler.ts')).handler as Handler;
  handlers['facebook-worker'] = (await import('../../functions/facebook/facebook-worker.handler.ts'))
    .handler as Handler;
  handlers['import-worker'] = (await import('../../functions/imports/import-worker.handler.ts')).handler as Handler;
  await ensureDemoForm(createWebformRepository(doc, tableName));
});

afterAll(async () => {
  await graph?.stop();
});

/** What the handler asked of the table while `run` ran. */
const accessesDuring = async (run: () => Promise<unknown>): Promise<TableAccess[]> => {
  const recording = recordTableAccess();
  try {
    await run();
  } finally {
    recording.stop();
  }
  return recording.accesses;
};

const refused = (name: string, accesses: readonly TableAccess[]): string[] => {
  const { access } = functionSpec(name);
  return accesses
    .filter((a) => !tableGrantAllows(access.table, a))
    .map((a) => `${a.action} ${a.index ?? 'table'} ${a.partition}`);
};

const unique = () =>
  `Zq${randomUUID()
    .replace(/[^a-z]/g, '')
    .slice(0, 10)}`;

describe('the intake functions ask only what their table grant allows', () => {
  it('webform-submissions: a submission with an Idempotency-Key, and the same again', async () => {
    const name = unique();
    const body = JSON.stringify({
      firstName: 'Erika',
      lastName: name,
      email: `${name}@example.de`,
      phone: '0301234567',
    });
    const event = () =>
      apiEvent({
        routeKey: 'POST /v1/webforms/{formKey}/submissions',
        path: '/v1/webforms/demo/submissions',
        pathParameters: { formKey: 'demo' },
        body,
        headers: { 'idempotency-key': `k-${name}`, origin: 'http://localhost:3000' },
      });
    const answers: { statusCode?: number }[] = [];
    const accesses = await accessesDuring(async () => {
      answers.push((await handlers['webform-submissions']?.(event() as never, lambdaContext() as never)) as never);
      answers.push((await handlers['webform-submissions']?.(event() as never, lambdaContext() as never)) as never);
    });

    expect(answers.map((a) => a.statusCode)).toEqual([201, 201]);
    expect(accesses.length).toBeGreaterThan(0);
    expect(refused('webform-submissions', accesses)).toEqual([]);
  });

  it('webform-submissions: a form stored before signing gets its secret on its first embed', async () => {
    const key = `legacy-${unique().toLowerCase()}`;
    const forms = createWebformRepository(doc, tableName);
    await forms.create({ ...demoWebform(new Date()), key });
    // as stored before forms had a signing secret
    await doc.send(
      new UpdateCommand({ TableName: tableName, Key: webforms.key(key), UpdateExpression: 'REMOVE signingSecret' }),
    );
    let answer: { statusCode?: number } = {};
    const accesses = await accessesDuring(async () => {
      answer = (await handlers['webform-submissions']?.(
        apiEvent({
          routeKey: 'GET /v1/webforms/{formKey}/embed.js',
          path: `/v1/webforms/${key}/embed.js`,
          pathParameters: { formKey: key },
        }) as never,
        lambdaContext() as never,
      )) as never;
    });

    expect(answer.statusCode).toBe(200);
    expect(accesses.map((a) => a.action)).toContain('UpdateItem');
    expect(refused('webform-submissions', accesses)).toEqual([]);
  });

  it('agency-leads: a batch of two leads, one with an externalId', async () => {
    const manage = {
      agencies: createAgencyRepository(doc, tableName),
      users: createUserRepository(doc, tableName),
      settings: createSettingsRepository(doc, tableName),
      random: (size: number) => randomBytes(size),
      now: () => new Date(),
    };
    const admin = { id: 'admin', email: 'admin@example.com', name: 'Admin', roles: ['admin'] as const };
    const request = <B, P>(body: B, path: P) => ({
      body,
      bodyKind: 'json' as const,
      path,
      query: undefined,
      user: { ...admin, roles: [...admin.roles] },
      headers: {},
      event: apiEvent({ routeKey: 'POST /v1/agencies' }),
      requestId: 'r',
    });
    const created = await createAgency(manage)(
      request(
        {
          name: `LeadCo ${unique()}`,
          contactEmail: null,
          defaultPriority: 'high',
          responsibleUserId: null,
          rateLimitPerMinute: 600,
        },
        undefined,
      ),
    );
    const agencyId = String((created.body as { id: string }).id);
    const { key } = (await createAgencyKey(manage)(request(undefined, { id: agencyId }))).body as { key: string };
    const name = unique();
    const event = apiEvent({
      routeKey: 'POST /v1/agency/leads',
      body: JSON.stringify({
        leads: [
          { externalId: `x-${name}`, contact: { lastName: name, email: `${name}@example.com` } },
          { contact: { lastName: name, companyName: 'Muster GmbH' } },
        ],
      }),
      headers: { authorization: `Bearer ${key}`, 'idempotency-key': `k-${name}` },
    });

    // the same batch again (its Idempotency-Key answers from the record), then the externalId again
    // without a key (its guard answers)
    const again = apiEvent({
      routeKey: 'POST /v1/agency/leads',
      body: JSON.stringify({ leads: [{ externalId: `x-${name}`, contact: { lastName: name } }] }),
      headers: { authorization: `Bearer ${key}` },
    });
    const answers: { statusCode?: number; body?: string }[] = [];
    const accesses = await accessesDuring(async () => {
      for (const e of [event, event, again]) {
        answers.push((await handlers['agency-leads']?.(e as never, lambdaContext() as never)) as never);
      }
    });

    expect(accesses.length).toBeGreaterThan(0);
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200]);
    expect(answers[1]?.body).toBe(answers[0]?.body);
    expect(JSON.parse(answers[2]?.body ?? '{}')).toMatchObject({ results: [{ status: 'duplicate_delivery' }] });
    expect(refused('agency-leads', accesses)).toEqual([]);
  });

  it('facebook-worker: a fetched lead, delivered twice', async () => {
    const name = unique();
    const leadgenId = `9${Date.now()}${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
    graph.addLead(leadgenId, {
      accessToken: 'token-of-page-1',
      fieldData: [
        { name: 'full_name', values: [`Erika ${name}`] },
        { name: 'email', values: [`${name}@example.com`] },
      ],
    });
    const body = JSON.stringify({
      type: 'facebook-lead-received',
      version: 1,
      leadgenId,
      pageId: '2000000000000001',
      formId: '3000000000000001',
      createdTime: 1714809600,
      receivedAt: new Date().toISOString(),
    });

    let answer: { batchItemFailures?: unknown[] } = {};
    const accesses = await accessesDuring(async () => {
      answer = (await handlers['facebook-worker']?.(
        sqsEvent([{ id: 'a', body }]) as never,
        lambdaContext() as never,
      )) as never;
      await handlers['facebook-worker']?.(sqsEvent([{ id: 'b', body }]) as never, lambdaContext() as never);
    });

    expect(accesses.length).toBeGreaterThan(0);
    expect(answer.batchItemFailures).toEqual([]);
    expect(refused('facebook-worker', accesses)).toEqual([]);
  });

  it('import-worker: a CSV file of three rows, one invalid', async () => {
    const imports = createImportRepository(doc, tableName);
    const id = ulid();
    await imports.create(newImport({ id, filename: 'a.csv', mapping: null, createdBy: null, now: new Date() }));
    await s3Client().send(
      new PutObjectCommand({
        Bucket: mailBucket,
        Key: importObjectKey(id),
        Body: 'Firma;E-Mail;Nachname\nGrant GmbH;g@example.com;Muster\n;kaputt;\nZwei AG;z@example.com;Zwei\n',
      }),
    );
    await imports.markQueued(id, new Date());
    const body = JSON.stringify({
      type: 'csv-import-requested',
      version: 1,
      importId: id,
      requestedAt: new Date().toISOString(),
    });

    const accesses = await accessesDuring(async () => {
      await handlers['import-worker']?.(sqsEvent([{ id: 'i', body }]) as never, lambdaContext(60_000) as never);
    });

    expect(accesses.length).toBeGreaterThan(0);
    expect(await imports.get(id)).toMatchObject({ status: 'done', rowsImported: 2 });
    expect(refused('import-worker', accesses)).toEqual([]);
  });
});
