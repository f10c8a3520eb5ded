// Poison on every queue of the running local stack: for each event type a message that is not JSON,
// one of another version, one about records that do not exist, and one whose processing throws, sent
// in one batch with a good message. Each poison message ends in its queue's DLQ with the reason in
// the log; the good message is processed all the same. (Failed records come back after 1 s here.)
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteMessageCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import nodemailer from 'nodemailer';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInboxEntry } from '../../domain/inbox/inbox-entry.ts';
import { createInboxEntryRepository } from '../../functions/inbox/inbox-entry.repository.ts';
import { localNames } from '../../infra/local/provision.ts';
import { localAwsEnv } from '../../infra/local/services.ts';
import { dlqName, type QueueName } from '../../infra/manifest.ts';
import { type FakeGraphServer, startFakeGraphServer } from '../support/fake-graph-server.ts';
import { eventually, type RunningStack, startStackProcess } from '../support/local-stack-process.ts';

const pageId = '4100000000000001';

let stack: RunningStack;
let graph: FakeGraphServer;
let sqs: SQSClient;
let doc: DynamoDBDocumentClient;

// biome-ignore lint/suspicious/noExplicitAny: the tests read answers of many shapes; the assertions check them
const api = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> => {
  const res = await fetch(`${stack.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${stack.adminToken}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
};

const credentials = {
  region: localAwsEnv.AWS_REGION,
  credentials: { accessKeyId: localAwsEnv.AWS_ACCESS_KEY_ID, secretAccessKey: localAwsEnv.AWS_SECRET_ACCESS_KEY },
};

const queueUrl = async (name: string): Promise<string> =>
  (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl ?? '';

/** Sends the bodies as one batch (so a poller receives them together); answers each message's id. */
const sendBatch = async (queue: QueueName, bodies: string[]): Promise<string[]> => {
  const res = await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: await queueUrl(queue),
      Entries: bodies.map((MessageBody, i) => ({ Id: String(i), MessageBody })),
    }),
  );
  expect(res.Failed ?? []).toEqual([]);
  return (res.Successful ?? []).sort((a, b) => Number(a.Id) - Number(b.Id)).map((s) => s.MessageId ?? '');
};

/** Waits until every marker's message rests in the queue's DLQ; takes them off it. */
const deadLettered = async (queue: QueueName, markers: string[]): Promise<void> => {
  const url = await queueUrl(dlqName(queue));
  const found = new Set<string>();
  await eventually(async () => {
    const res = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    for (const message of res.Messages ?? []) {
      const marker = markers.find((m) => message.Body?.includes(m));
      if (marker) {
        found.add(marker);
        await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle }));
      }
    }
    return found.size === markers.length ? true : undefined;
  }, 150_000).catch((error: unknown) => {
    throw new Error(
      `not in ${dlqName(queue)}: ${markers.filter((m) => !found.has(m)).join(', ')} (${String(error)})\n${stack.output().slice(-3000)}`,
    );
  });
};

/** The log says why each poison message failed: the worker's error line names its message id. */
const reasonsLogged = (messageIds: string[]): string[] =>
  messageIds.filter(
    (id) =>
      !stack
        .output()
        .split('\n')
        .some((line) => line.includes(id) && line.includes('message failed')),
  );

const now = () => new Date().toISOString();
const marker = (what: string) => `${what}-${randomUUID().slice(0, 8)}`;
/** One marker per kind of poison, carried in each message's body so the DLQ can be searched for it. */
const poisonMarkers = () => ({
  notJson: marker('json'),
  otherVersion: marker('version'),
  unknown: marker('unknown'),
  throwing: marker('throws'),
});
const all = (m: ReturnType<typeof poisonMarkers>) => [m.notJson, m.otherVersion, m.unknown, m.throwing];
/** A key longer than DynamoDB allows (2048 bytes): every read of it throws. */
const oversizedId = (tag: string) => `${tag}-${'x'.repeat(2100)}`;

beforeAll(async () => {
  graph = await startFakeGraphServer();
  const configFile = join(await mkdtemp(join(tmpdir(), 'kontakt-e2e-poison-')), 'facebook.json');
  await writeFile(
    configFile,
    JSON.stringify({ appSecret: 'poison-secret', verifyToken: 'poison-verify', pages: { [pageId]: 'token-41' } }),
  );
  stack = await startStackProcess({
    env: { KONTAKT_RETRY_SECONDS: '1', FACEBOOK_CONFIG_FILE: configFile, GRAPH_API_BASE_URL: graph.baseUrl },
  });
  sqs = new SQSClient({
    endpoint: `http://127.0.0.1:${stack.ports.emulator}`,
    useQueueUrlAsEndpoint: false,
    ...credentials,
  });
  doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: `http://127.0.0.1:${stack.ports.dynamodb}`, ...credentials }),
    {
      marshallOptions: { removeUndefinedValues: true },
    },
  );
});

afterAll(async () => {
  await stack?.stop();
  await graph?.stop();
});

describe('poison messages on every queue', () => {
  it('duplicate-check: poison ends in its DLQ, the entry checked in the same batch is done', async () => {
    // an entry stored without its own request for a check, so only the batch's good message can do it
    const entry = createInboxEntry(
      {
        id: ulid(),
        source: 'webform',
        priority: 'normal',
        responsibleUserId: null,
        contact: { lastName: 'Poison', email: `${marker('good')}@example.com` },
        raw: {},
        createdBy: null,
      },
      new Date(),
    );
    await createInboxEntryRepository(doc, localNames.table).create(entry);
    const m = poisonMarkers();
    const lead = (inboxEntryId: string, version = 1) =>
      JSON.stringify({ type: 'lead-received', version, inboxEntryId, source: 'webform', requestedAt: now() });

    const ids = await sendBatch('duplicate-check', [
      `{"type":"lead-received","inboxEntryId":"${m.notJson}"`,
      lead(`${m.otherVersion}`, 2),
      lead(`unknown-${m.unknown}`),
      lead(oversizedId(m.throwing)),
      lead(entry.id),
    ]);

    await eventually(async () => {
      const res = await api('GET', `/v1/inbox/${entry.id}`);
      return res.json?.duplicateCheck?.status === 'done' ? true : undefined;
    }, 60_000);
    await deadLettered('duplicate-check', all(m));
    expect(reasonsLogged(ids.slice(0, 4))).toEqual([]);
  });

  it('activity-plans: poison ends in its DLQ, the plan in the same batch is scheduled', async () => {
    const pipeline = await api('POST', '/v1/pipelines', {
      name: `Poison ${marker('p')}`,
      stage: 'deal',
      steps: [{ id: 'erst', name: 'Erst', probability: 20 }],
      activityPlan: [{ type: 'call', subject: 'Anrufen', offsetDays: 1, durationMinutes: 15 }],
    });
    const opportunity = await api('POST', '/v1/opportunities', {
      title: 'Poison plan',
      stage: 'deal',
      pipelineId: pipeline.json.id,
    });
    const m = poisonMarkers();
    const plan = (fields: Record<string, unknown>) =>
      JSON.stringify({
        type: 'activity-plan-requested',
        version: 1,
        opportunityId: opportunity.json.id,
        pipelineId: pipeline.json.id,
        startDate: '2027-03-01',
        requestedBy: 'demo-admin',
        requestedAt: now(),
        ...fields,
      });

    const ids = await sendBatch('activity-plans', [
      `not json ${m.notJson}`,
      plan({ version: 2, requestedBy: m.otherVersion }),
      plan({ opportunityId: `unknown-${m.unknown}` }),
      // a day the schema's pattern lets through and the calendar refuses: the worker throws
      plan({ startDate: '2027-02-30', requestedBy: m.throwing }),
      plan({}),
    ]);

    await eventually(async () => {
      const res = await api('GET', `/v1/activities?opportunityId=${opportunity.json.id}`);
      return res.json?.items?.length === 1 ? true : undefined;
    }, 60_000);
    await deadLettered('activity-plans', all(m));
    expect(reasonsLogged(ids.slice(0, 4))).toEqual([]);
  });

  it('csv-imports: poison ends in its DLQ, the import queued behind it is done', async () => {
    const m = poisonMarkers();
    const request = (importId: string, version = 1) =>
      JSON.stringify({ type: 'csv-import-requested', version, importId, requestedAt: now() });
    const ids = await sendBatch('csv-imports', [
      `{${m.notJson}`,
      request(`${m.otherVersion}`, 2),
      request(`unknown-${m.unknown}`),
      request(oversizedId(m.throwing)),
    ]);
    const created = await api('POST', '/v1/imports', { filename: 'poison.csv' });
    await fetch(created.json.uploadUrl, {
      method: 'PUT',
      body: `Nachname;E-Mail\nPoison;${marker('csv')}@example.com\n`,
    });

    const started = await api('POST', `/v1/imports/${created.json.id}/start`);
    const report = await eventually(async () => {
      const res = await api('GET', `/v1/imports/${created.json.id}`);
      return res.json?.status === 'done' || res.json?.status === 'failed' ? res.json : undefined;
    }, 90_000);

    expect(started.status).toBe(202);
    expect(report).toMatchObject({ status: 'done', rowsImported: 1 });
    await deadLettered('csv-imports', all(m));
    expect(reasonsLogged(ids)).toEqual([]);
  });

  it('inbound-email: poison ends in its DLQ, the mail sent behind it is stored', async () => {
    const m = poisonMarkers();
    const received = (fields: Record<string, unknown>) =>
      JSON.stringify({
        type: 'email-received',
        version: 1,
        sesMessageId: marker('ses'),
        bucket: localNames.mailBucket,
        key: `inbound/${marker('missing')}`,
        recipients: ['bcc@kontakt.localhost'],
        envelopeFrom: 'anna@example.com',
        receivedAt: now(),
        verdicts: { spam: 'PASS', virus: 'PASS', spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' },
        ...fields,
      });
    const ids = await sendBatch('inbound-email', [
      `{"type":"email-received" ${m.notJson}`,
      received({ version: 2, sesMessageId: m.otherVersion }),
      received({ key: `inbound/unknown-${m.unknown}` }),
      received({ bucket: `no-such-bucket-${m.throwing}` }),
    ]);
    const subject = `Poison neighbour ${marker('mail')}`;

    await nodemailer
      .createTransport({ host: '127.0.0.1', port: stack.ports.smtp, secure: false, ignoreTLS: true })
      .sendMail({ from: 'anna@example.com', to: 'bcc@kontakt.localhost', subject, text: 'Guten Tag' });
    await eventually(async () => {
      const res = await api('GET', '/v1/emails?limit=100');
      return res.json?.items?.some((m: { subject: string }) => m.subject === subject) ? true : undefined;
    }, 60_000);

    await deadLettered('inbound-email', all(m));
    expect(reasonsLogged(ids)).toEqual([]);
  });

  it('facebook-leads: poison ends in its DLQ, the lead in the same batch reaches the inbox', async () => {
    const m = poisonMarkers();
    const numeric = () => `7${Date.now()}${Math.floor(Math.random() * 1e6)}`;
    const goodLead = numeric();
    const name = `Poison${randomUUID()
      .replace(/[^a-z]/g, '')
      .slice(0, 8)}`;
    graph.addLead(goodLead, {
      accessToken: 'token-41',
      fieldData: [
        { name: 'full_name', values: [`Max ${name}`] },
        { name: 'email', values: [`${name.toLowerCase()}@example.com`] },
      ],
    });
    const lead = (leadgenId: string, page: string, extra: Record<string, unknown> = {}) =>
      JSON.stringify({
        type: 'facebook-lead-received',
        version: 1,
        leadgenId,
        pageId: page,
        receivedAt: now(),
        ...extra,
      });
    // markers travel where the schema allows them: numeric ids cannot carry text, so these use createdTime
    const unknownPageLead = numeric();
    const unknownLeadId = numeric();
    const ids = await sendBatch('facebook-leads', [
      `[${m.notJson}`,
      lead(numeric(), pageId, { version: 2, marker: m.otherVersion }),
      lead(unknownPageLead, '9999999999999999', { marker: m.unknown }),
      // a lead the Graph API does not know: the fetch fails, so the worker throws
      lead(unknownLeadId, pageId, { marker: m.throwing }),
      lead(goodLead, pageId),
    ]);

    await eventually(async () => {
      const res = await api('GET', `/v1/inbox?q=${name}`);
      return res.json?.items?.length === 1 ? true : undefined;
    }, 60_000);
    await deadLettered('facebook-leads', all(m));
    expect(reasonsLogged(ids.slice(0, 4))).toEqual([]);
  });
});
