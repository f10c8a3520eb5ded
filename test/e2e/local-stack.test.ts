import { execFile } from 'node:child_process';
import { createConnection } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import nodemailer from 'nodemailer';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPersonRepository } from '../../functions/contacts/person.repository.ts';
import { inboxEntries } from '../../functions/inbox/inbox-entry.entity.ts';
import { readIndexName } from '../../functions/shared/table.ts';
import { localNames } from '../../infra/local/provision.ts';
import { localAwsEnv } from '../../infra/local/services.ts';
import { aPerson } from '../support/fixtures.ts';
import { isLoopback, listeningSockets, processTree, socketsOfProcesses } from '../support/listening-sockets.ts';
import { eventually, type RunningStack, startStackProcess } from '../support/local-stack-process.ts';

let stack: RunningStack;
let doc: DynamoDBDocumentClient;

const api = async (path: string, init: RequestInit & { token?: string } = {}) => {
  const { token, ...rest } = init;
  const res = await fetch(`${stack.baseUrl}${path}`, {
    redirect: 'manual',
    ...rest,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...rest.headers },
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text ? JSON.parse(text) : undefined };
};

const postJson = (path: string, body: unknown, token?: string) =>
  api(path, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
    ...(token ? { token } : {}),
  });

/** Inbox entries stored with status `new`, counted straight from every shard of the list, to prove nothing was written. */
const storedNewEntries = async (): Promise<number> => {
  const list = inboxEntries.patterns.byStatus('new');
  const counts = await Promise.all(
    list.partitions.map(async (partition) => {
      const res = await doc.send(
        new QueryCommand({
          TableName: localNames.table,
          IndexName: list.index === null ? undefined : readIndexName(list.index),
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': partition },
          Select: 'COUNT',
        }),
      );
      return res.Count ?? 0;
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
};

const smtp = () =>
  nodemailer.createTransport({ host: '127.0.0.1', port: stack.ports.smtp, secure: false, ignoreTLS: true });

/** `npm run redrive -- <queue>` as an operator runs it against the local stack. */
const runRedrive = (queue: string, emulatorPort: number) =>
  new Promise<{ code: number | null; output: unknown }>((done) => {
    execFile(
      process.execPath,
      ['infra/scripts/redrive.ts', queue],
      { env: { ...process.env, KONTAKT_EMULATOR_PORT: String(emulatorPort) } },
      (error, stdout) => done({ code: error ? (error.code as number) : 0, output: JSON.parse(stdout || 'null') }),
    );
  });

beforeAll(async () => {
  // Failed records come back after 1 s instead of the queue's 120 s, so redrive is seen quickly.
  stack = await startStackProcess({ env: { KONTAKT_RETRY_SECONDS: '1' } });
  doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: `http://127.0.0.1:${stack.ports.dynamodb}`,
      region: localAwsEnv.AWS_REGION,
      credentials: { accessKeyId: localAwsEnv.AWS_ACCESS_KEY_ID, secretAccessKey: localAwsEnv.AWS_SECRET_ACCESS_KEY },
    }),
  );
});

afterAll(async () => {
  await stack?.stop();
});

describe('flow 1: a web-form lead, HTTP → DynamoDB → SQS → duplicate-check worker', () => {
  it('stores a JSON submission, answers 201 with its id, and the worker checks it against existing persons', async () => {
    const person = aPerson({ firstName: 'Max', lastName: 'Mustermann', emails: ['max@mustermann.example'] });
    const personId = person.id;
    await createPersonRepository(doc, localNames.table).create(person);

    const res = await postJson('/v1/webforms/demo/submissions', {
      firstName: 'Max',
      lastName: 'Mustermann',
      email: 'MAX@mustermann.example',
      phone: '+49 30 1234567',
      company: 'Muster GmbH',
      message: 'Bitte um ein Angebot',
      utm_source: 'newsletter',
    });
    const entry = await eventually(async () => {
      const got = await api(`/v1/inbox/${res.json.id}`, { token: stack.salesToken });
      return got.json?.duplicateCheck?.status === 'done' ? got.json : undefined;
    });

    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/v1/inbox/${res.json.id}`);
    expect(entry).toMatchObject({
      id: res.json.id,
      source: 'webform',
      processingStatus: 'new',
      contact: {
        firstName: 'Max',
        lastName: 'Mustermann',
        email: 'MAX@mustermann.example',
        companyName: 'Muster GmbH',
      },
      message: 'Bitte um ein Angebot',
      raw: { formKey: 'demo', fields: { utm_source: 'newsletter' } },
      duplicateCheck: {
        status: 'done',
        checkedAt: expect.any(String),
        candidates: [
          {
            kind: 'person',
            id: personId,
            score: expect.closeTo(1, 2),
            level: 'match',
            reasons: expect.arrayContaining(['email_equal', 'first_name_equal', 'last_name_equal']),
          },
        ],
      },
    });
    expect(Date.parse(entry.createdAt)).not.toBeNaN();
  });

  it('takes a plain HTML form post (form-encoded, base64 through the gateway)', async () => {
    const res = await api('/v1/webforms/demo/submissions', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'firstName=J%C3%BCrgen&lastName=M%C3%BCller&email=juergen%40example.de',
    });
    const entry = await api(`/v1/inbox/${res.json.id}`, { token: stack.adminToken });

    expect(res.status).toBe(201);
    expect(entry.json.contact).toEqual({ firstName: 'Jürgen', lastName: 'Müller', email: 'juergen@example.de' });
  });

  it('answers bad input with a 4xx naming the field and stores nothing', async () => {
    const before = await storedNewEntries();

    const badEmail = await postJson('/v1/webforms/demo/submissions', { lastName: 'X', email: 'not-an-email' });
    const nothingReachable = await postJson('/v1/webforms/demo/submissions', { firstName: 'Only' });
    const badJson = await api('/v1/webforms/demo/submissions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"lastName": "X",',
    });
    const wrongType = await api('/v1/webforms/demo/submissions', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    });
    const tooLarge = await postJson('/v1/webforms/demo/submissions', { lastName: 'X', message: 'x'.repeat(1_100_000) });
    const unknownForm = await postJson('/v1/webforms/nope/submissions', { lastName: 'X' });

    expect(badEmail.status).toBe(400);
    expect(badEmail.headers.get('content-type')).toBe('application/problem+json');
    expect(badEmail.json.errors).toEqual([{ field: 'email', message: 'not a valid email address' }]);
    expect(nothingReachable.status).toBe(400);
    expect(nothingReachable.json.errors[0].field).toBe('email');
    expect(badJson.status).toBe(400);
    expect(badJson.json.errors).toEqual([{ field: 'body', message: 'not valid JSON' }]);
    expect(wrongType.status).toBe(415);
    expect(tooLarge.status).toBe(413);
    expect(unknownForm.status).toBe(404);
    expect(unknownForm.json.type).toBe('/problems/not-found');
    expect(await storedNewEntries()).toBe(before);
  });
});

describe('flow 2: Smart BCC mail, SMTP → S3 → receipt function → SQS → email worker', () => {
  it('stores a mail sent to the BCC address and lists it with its attachment', async () => {
    const subject = `Angebot OPP-1 ${ulid()}`;
    const info = await smtp().sendMail({
      from: 'Anna Schmidt <anna@example.com>',
      to: 'kunde@example.org',
      bcc: 'bcc@kontakt.localhost',
      subject,
      text: 'Guten Tag, anbei das Angebot.',
      attachments: [{ filename: 'angebot.pdf', content: Buffer.alloc(2048, 7), contentType: 'application/pdf' }],
    });

    const listed = await eventually(async () => {
      const res = await api('/v1/emails', { token: stack.salesToken });
      return res.json.items.find((e: { subject: string }) => e.subject === subject);
    });

    expect(info.accepted).toEqual(['bcc@kontakt.localhost']);
    expect(listed).toMatchObject({
      subject,
      from: { name: 'Anna Schmidt', address: 'anna@example.com' },
      to: [{ address: 'kunde@example.org' }],
      attachments: [{ filename: 'angebot.pdf', size: 2048, contentType: 'application/pdf' }],
    });
    expect(listed.receivedAt).toEqual(expect.any(String));
  });

  it('refuses recipients outside the receiving domain (no open relay)', async () => {
    await expect(
      smtp().sendMail({ from: 'a@example.com', to: 'someone@example.org', subject: 'x', text: 'x' }),
    ).rejects.toThrow(/550/);
  });
});

describe('users, tokens and the gateway’s own answers', () => {
  it('knows who is calling', async () => {
    const me = await api('/v1/me', { token: stack.salesToken });
    expect(me.json).toEqual({
      id: 'demo-sales',
      email: 'sales@kontakt.localhost',
      name: 'Demo Sales',
      roles: ['sales'],
    });
  });

  it('answers 401 with API Gateway’s body without a valid token', async () => {
    const none = await api('/v1/me');
    const forged = await api('/v1/me', { token: `${stack.adminToken.slice(0, -4)}AAAA` });
    expect(none.status).toBe(401);
    expect(none.json).toEqual({ message: 'Unauthorized' });
    expect(forged.status).toBe(401);
  });

  it('lets admins add users and answers 403 to others', async () => {
    const user = { id: `sub-${ulid()}`, email: 'neu@kontakt.localhost', name: 'Neu', roles: ['sales'] };
    const bySales = await postJson('/v1/users', user, stack.salesToken);
    const byAdmin = await postJson('/v1/users', user, stack.adminToken);
    const again = await postJson('/v1/users', user, stack.adminToken);
    const invalid = await postJson('/v1/users', { ...user, id: 'x2', roles: ['king'] }, stack.adminToken);
    const list = await api('/v1/users?limit=100', { token: stack.salesToken });

    expect(bySales.status).toBe(403);
    expect(byAdmin.status).toBe(201);
    expect(again.status).toBe(409);
    expect(invalid.status).toBe(400);
    expect(invalid.json.errors[0].field).toBe('roles.0');
    expect(list.json.items.map((u: { id: string }) => u.id)).toEqual(
      expect.arrayContaining(['demo-admin', 'demo-sales', user.id]),
    );
  });

  it('answers unknown routes with 404 {"message":"Not Found"}', async () => {
    const res = await api('/v1/nothing-here', { token: stack.adminToken });
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ message: 'Not Found' });
  });

  it('throttles a route past its burst with 429 {"message":"Too Many Requests"}', async () => {
    // the public OpenAPI route: burst 40, then 20 per second
    const answers = await Promise.all(Array.from({ length: 150 }, () => api('/v1/openapi.json')));
    const throttled = answers.filter((a) => a.status === 429);
    expect(throttled.length, JSON.stringify(answers.map((a) => a.status))).toBeGreaterThan(0);
    expect(throttled[0]?.json).toEqual({ message: 'Too Many Requests' });
  });
});

describe('reachable from this machine only', () => {
  it('listens on 127.0.0.1 or ::1 only: every configured port, and every socket the stack and its children hold', async () => {
    const sockets = await listeningSockets();
    const held = await socketsOfProcesses(await processTree(stack.pid));

    for (const [service, port] of Object.entries(stack.ports)) {
      const bound = sockets.filter((s) => s.port === port).map((s) => s.address);
      expect(bound.length, `${service} listens on ${port}`).toBeGreaterThan(0);
      expect(
        bound.filter((address) => !isLoopback(address)),
        `${service} on port ${port}`,
      ).toEqual([]);
    }
    expect(held.map((s) => s.port)).toEqual(expect.arrayContaining(Object.values(stack.ports)));
    expect(held.filter((s) => !isLoopback(s.address))).toEqual([]);
  });
});

describe('queues: partial batch failure, redrive to the DLQ, and back', () => {
  it('moves a poison message to the DLQ after the max receive count while good ones pass, and redrives it', async () => {
    const sqs = new SQSClient({
      endpoint: `http://127.0.0.1:${stack.ports.emulator}`,
      useQueueUrlAsEndpoint: false,
      region: localAwsEnv.AWS_REGION,
      credentials: { accessKeyId: localAwsEnv.AWS_ACCESS_KEY_ID, secretAccessKey: localAwsEnv.AWS_SECRET_ACCESS_KEY },
    });
    const url = async (name: string) => (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl ?? '';
    const dlqDepth = async () =>
      Number(
        (
          await sqs.send(
            new GetQueueAttributesCommand({
              QueueUrl: await url('duplicate-check-dlq'),
              AttributeNames: ['ApproximateNumberOfMessages'],
            }),
          )
        ).Attributes?.ApproximateNumberOfMessages ?? '0',
      );
    const poison = JSON.stringify({ type: 'lead-received', version: 99, note: `poison-${ulid()}` });

    await sqs.send(new SendMessageCommand({ QueueUrl: await url('duplicate-check'), MessageBody: poison }));
    const good = await postJson('/v1/webforms/demo/submissions', { lastName: 'Neighbour', email: 'n@example.com' });
    const goodChecked = await eventually(async () => {
      const res = await api(`/v1/inbox/${good.json.id}`, { token: stack.adminToken });
      return res.json?.duplicateCheck?.status === 'done' ? true : undefined;
    });
    await eventually(async () => ((await dlqDepth()) === 1 ? true : undefined), 30_000);
    const redrive = await runRedrive('duplicate-check', stack.ports.emulator);

    expect(goodChecked).toBe(true);
    expect(redrive).toMatchObject({ code: 0, output: { queue: 'duplicate-check', moved: 1, failed: 0 } });
  });
});

describe('stopping and starting again', () => {
  it('stops every child on Ctrl-C and finds the data intact after a restart', async () => {
    const created = await postJson('/v1/webforms/demo/submissions', {
      lastName: 'Persistent',
      email: 'keep@example.com',
    });
    await eventually(async () => {
      const res = await api(`/v1/inbox/${created.json.id}`, { token: stack.adminToken });
      return res.json?.duplicateCheck?.status === 'done' ? true : undefined;
    });
    const { home, ports } = stack;

    const code = await stack.stop();
    const portsClosed = await Promise.all(
      [ports.http, ports.smtp, ports.dynamodb].map(
        (port) =>
          new Promise<boolean>((done) => {
            const socket = createConnection({ host: '127.0.0.1', port });
            socket.once('connect', () => {
              socket.destroy();
              done(false);
            });
            socket.once('error', () => done(true));
          }),
      ),
    );
    stack = await startStackProcess({ home, ports });
    const again = await api(`/v1/inbox/${created.json.id}`, { token: stack.adminToken });

    expect(code).toBe(0);
    expect(portsClosed).toEqual([true, true, true]);
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ id: created.json.id, duplicateCheck: { status: 'done' } });
  });
});
