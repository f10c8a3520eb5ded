// Facebook Lead Ads against the running local stack, as Meta drives it: the verification handshake,
// signed deliveries (repeated, as Meta repeats them), bad signatures, a Graph server that fails at
// first, and a lead for a page Kontakt has no token for. Each lead ends in the inbox once or in the DLQ.
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FacebookLeadReceivedV1 } from '../../events/facebook-lead-received.v1.ts';
import { localAwsEnv } from '../../infra/local/services.ts';
import { type FakeGraphServer, startFakeGraphServer } from '../support/fake-graph-server.ts';
import { eventually, type RunningStack, startStackProcess } from '../support/local-stack-process.ts';
import { fetchWithRetries } from '../support/retrying-fetch.ts';

const pageId = '4000000000000001';
const config = {
  appSecret: 'e2e-app-secret',
  verifyToken: 'e2e-verify-token',
  pages: { [pageId]: 'token-of-page-4' },
};

let stack: RunningStack;
let graph: FakeGraphServer;
let sqs: SQSClient;

// biome-ignore lint/suspicious/noExplicitAny: the tests read answers of many shapes; the assertions check them
type Answer = { status: number; headers: Headers; text: string; json: any };

/** One request, sent again while the stack answers "later" (429, 503) on a busy machine, as Meta would. */
const request = async (path: string, init: RequestInit = {}): Promise<Answer> => {
  const res = await fetchWithRetries(`${stack.baseUrl}${path}`, init);
  const text = await res.text();
  const json = res.headers.get('content-type')?.includes('json') && text ? JSON.parse(text) : undefined;
  return { status: res.status, headers: res.headers, text, json };
};

const verify = (token: string, challenge: string) =>
  request(
    `/v1/facebook/webhook?${new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': challenge })}`,
  );

const sign = (body: string, secret = config.appSecret) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** A delivery as Meta sends it: compact JSON, ids as bare numbers. */
const deliveryFor = (leadgenId: string, page = pageId) =>
  `{"object":"page","entry":[{"id":"${page}","time":1714809600,"changes":[{"field":"leadgen","value":{"ad_id":5000000000000001,"form_id":6000000000000001,"leadgen_id":${leadgenId},"created_time":1714809600,"page_id":${page}}}]}]}`;

const post = (body: string, signature?: string) =>
  request('/v1/facebook/webhook', {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      ...(signature === undefined ? {} : { 'x-hub-signature-256': signature }),
    },
  });

const inboxWith = async (name: string) =>
  (
    await request(`/v1/inbox?q=${encodeURIComponent(name)}&limit=100`, {
      headers: { authorization: `Bearer ${stack.salesToken}` },
    })
  ).json.items;

const uniqueName = (): string =>
  `Zq${randomUUID()
    .replace(/[^a-z]/g, '')
    .slice(0, 10)}`;
let sequence = 0;
/** Leadgen ids beyond 2^53, as Meta's are. */
const newLeadgenId = (): string => {
  sequence += 1;
  return `7${String(Date.now())}${String(sequence).padStart(4, '0')}`;
};

const queueUrl = async (name: string) => (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl ?? '';

/** Messages waiting or in flight on the facebook-leads queue: zero once the worker is done with every delivery. */
const leadsInFlight = async (): Promise<number> => {
  const res = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: await queueUrl('facebook-leads'),
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(res.Attributes?.ApproximateNumberOfMessages ?? '0') +
    Number(res.Attributes?.ApproximateNumberOfMessagesNotVisible ?? '0')
  );
};
const queueDrained = () =>
  eventually(async () => ((await leadsInFlight()) === 0 ? true : undefined), {
    what: 'the facebook-leads queue drained',
  });

/**
 * Dead-lettered events taken from facebook-leads-dlq, by leadgen id: each message is kept here and
 * deleted when it is received, so one test never hands another's message back to the queue (the
 * emulator with a data folder may lose a message whose visibility is set to 0).
 */
const deadLetters = new Map<string, FacebookLeadReceivedV1>();

/** The dead-lettered event for this lead, once it has reached facebook-leads-dlq. */
const deadLettered = async (leadgenId: string): Promise<FacebookLeadReceivedV1 | undefined> => {
  const url = await queueUrl('facebook-leads-dlq');
  const res = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
  for (const message of res.Messages ?? []) {
    const event = FacebookLeadReceivedV1.safeParse(JSON.parse(message.Body ?? 'null')).data;
    if (event) deadLetters.set(event.leadgenId, event);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle }));
  }
  return deadLetters.get(leadgenId);
};

beforeAll(async () => {
  graph = await startFakeGraphServer();
  const configFile = join(await mkdtemp(join(tmpdir(), 'kontakt-e2e-fb-')), 'facebook.json');
  await writeFile(configFile, JSON.stringify(config));
  // Failed records come back after 1 s instead of 180 s, so retries and the DLQ are seen quickly.
  stack = await startStackProcess({
    env: { FACEBOOK_CONFIG_FILE: configFile, GRAPH_API_BASE_URL: graph.baseUrl, KONTAKT_RETRY_SECONDS: '1' },
  });
  sqs = new SQSClient({
    endpoint: `http://127.0.0.1:${stack.ports.emulator}`,
    useQueueUrlAsEndpoint: false,
    region: localAwsEnv.AWS_REGION,
    credentials: { accessKeyId: localAwsEnv.AWS_ACCESS_KEY_ID, secretAccessKey: localAwsEnv.AWS_SECRET_ACCESS_KEY },
  });
});

afterAll(async () => {
  await stack?.stop();
  await graph?.stop();
});

describe('Meta’s verification request', () => {
  it('echoes hub.challenge as plain text for the configured verify token', async () => {
    const res = await verify(config.verifyToken, '1158201444');

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.text).toBe('1158201444');
  });

  it('answers 403 to a wrong verify token and echoes nothing', async () => {
    const res = await verify('not-the-token', '1158201444');

    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ status: 403, type: '/problems/forbidden' });
    expect(res.text).not.toContain('1158201444');
  });
});

describe('signed lead deliveries', () => {
  it('stores a delivered lead in the inbox once, however often Meta delivers it', async () => {
    const name = uniqueName();
    const leadgenId = newLeadgenId();
    graph.addLead(leadgenId, {
      accessToken: 'token-of-page-4',
      formId: '6000000000000001',
      adId: '5000000000000001',
      fieldData: [
        { name: 'full_name', values: [`Erika ${name}`] },
        { name: 'email', values: [`erika.${name.toLowerCase()}@example.com`] },
        { name: 'phone_number', values: ['+4915112345678'] },
        { name: 'company_name', values: ['Muster GmbH'] },
        { name: 'zip_code', values: ['10115'] },
        { name: 'city', values: ['Berlin'] },
        { name: 'wann_möchten_sie_starten?', values: ['sofort'] },
      ],
    });
    const body = deliveryFor(leadgenId);

    const first = await post(body, sign(body));
    const [entry] = await eventually(async () => {
      const items = await inboxWith(name);
      return items.length > 0 ? items : undefined;
    });
    const repeats = await Promise.all([1, 2, 3].map(() => post(body, sign(body))));
    await queueDrained();

    expect(first.status).toBe(200);
    expect(first.json).toEqual({ received: 1, skipped: 0 });
    expect(repeats.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(entry).toMatchObject({
      source: 'facebook',
      priority: 'normal',
      processingStatus: 'new',
      title: `Erika ${name} (Muster GmbH)`,
      contact: {
        firstName: 'Erika',
        lastName: name,
        email: `erika.${name.toLowerCase()}@example.com`,
        phone: '+4915112345678',
        companyName: 'Muster GmbH',
        postalCode: '10115',
        city: 'Berlin',
      },
      message: 'wann_möchten_sie_starten?: sofort',
      raw: { leadgenId, pageId, formId: '6000000000000001', adId: '5000000000000001' },
    });
    expect(await inboxWith(name)).toHaveLength(1);
    expect(graph.requestsFor(leadgenId)).toBe(1);
  });

  it('answers 401 to a wrong, a missing, and a signature over whitespace-altered JSON, and stores nothing', async () => {
    const name = uniqueName();
    const leadgenId = newLeadgenId();
    graph.addLead(leadgenId, { accessToken: 'token-of-page-4', fieldData: [{ name: 'full_name', values: [name] }] });
    const body = deliveryFor(leadgenId);
    const altered = JSON.stringify(JSON.parse(body), null, 1);

    const wrong = await post(body, sign(body, 'not-the-app-secret'));
    const missing = await post(body);
    const overAltered = await post(body, sign(altered));
    const alteredBody = await post(altered, sign(body));
    await queueDrained();

    for (const res of [wrong, missing, overAltered, alteredBody]) {
      expect(res.status).toBe(401);
      expect(res.json).toMatchObject({ status: 401, type: '/problems/invalid-signature' });
    }
    expect(graph.requestsFor(leadgenId)).toBe(0);
    expect(await inboxWith(name)).toEqual([]);
  });

  it('stores a lead once when the Graph API fails twice at first', async () => {
    const name = uniqueName();
    const leadgenId = newLeadgenId();
    graph.addLead(leadgenId, { accessToken: 'token-of-page-4', fieldData: [{ name: 'full_name', values: [name] }] });
    graph.failFirst(leadgenId, 2);
    const body = deliveryFor(leadgenId);

    const res = await post(body, sign(body));
    const items = await eventually(async () => {
      const found = await inboxWith(name);
      return found.length > 0 ? found : undefined;
    });
    await queueDrained();

    expect(res.status).toBe(200);
    expect(items).toHaveLength(1);
    expect(await inboxWith(name)).toHaveLength(1);
    expect(graph.requestsFor(leadgenId)).toBe(3);
  });

  it('keeps a lead for a page without an access token in the dead-letter queue, never in the inbox', async () => {
    const leadgenId = newLeadgenId();
    const unknownPage = '4000000000000999';
    const body = deliveryFor(leadgenId, unknownPage);

    const res = await post(body, sign(body));
    // 8 receives, each failed record back after 1 s
    const dead = await eventually(() => deadLettered(leadgenId), {
      timeoutMs: 150_000,
      what: `lead ${leadgenId} in facebook-leads-dlq`,
    });

    expect(res.status).toBe(200);
    expect(dead).toMatchObject({ type: 'facebook-lead-received', leadgenId, pageId: unknownPage });
    expect(graph.requestsFor(leadgenId)).toBe(0);
  });
});
