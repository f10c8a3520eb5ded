// Property-based fuzzing of Smart BCC through real SMTP into the running local stack: hostile MIME
// messages (hostile-mime.ts) interleaved with ordinary neighbours. Asserted for every message: SES
// would accept it, so the SMTP answer is 250; then it is stored and listed by GET /v1/emails
// (possibly truncated), or, if truly unprocessable, it is in the inbound-email DLQ and the worker
// logged why; and every ordinary neighbour is listed whole, so no hostile message held it up.
//
// Seeded and replayable: the seed is printed; KONTAKT_SMTP_FUZZ_SEED=<seed> replays the run,
// KONTAKT_SMTP_FUZZ_RUNS=<n> sets the number of hostile messages (40).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import * as z from 'zod/mini';
import { emailSesGuards } from '../../functions/emails/email.entity.ts';
import { localNames } from '../../infra/local/provision.ts';
import { localAwsEnv } from '../../infra/local/services.ts';
import { eventually, type RunningStack, startStackProcess } from '../support/local-stack-process.ts';
import { hostileMessage, toBuffer } from './hostile-mime.ts';

const seed = Number(process.env.KONTAKT_SMTP_FUZZ_SEED ?? Date.now() % 2 ** 31);
const runs = Number(process.env.KONTAKT_SMTP_FUZZ_RUNS ?? 50);
/** an ordinary mail after every this many hostile ones */
const neighbourEvery = 5;

let stack: RunningStack;
const credentials = { accessKeyId: localAwsEnv.AWS_ACCESS_KEY_ID, secretAccessKey: localAwsEnv.AWS_SECRET_ACCESS_KEY };

beforeAll(async () => {
  // failed records come back after 1 s, so an unprocessable mail reaches the DLQ within the run
  stack = await startStackProcess({ env: { KONTAKT_RETRY_SECONDS: '1', POWERTOOLS_LOG_LEVEL: 'ERROR' } });
});

afterAll(async () => {
  await stack?.stop();
});

const Listed = z.object({
  items: z.array(z.object({ id: z.string(), subject: z.nullable(z.string()), truncated: z.boolean() })),
  nextCursor: z.nullable(z.string()),
});

const listedEmails = async () => {
  const all: z.infer<typeof Listed>['items'] = [];
  let cursor: string | null = null;
  do {
    const res = await fetch(
      `${stack.baseUrl}/v1/emails?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { headers: { authorization: `Bearer ${stack.salesToken}` } },
    );
    const page = Listed.parse(await res.json());
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
};

const send = async (raw: Buffer): Promise<{ code: number; sesMessageId: string | null; response: string }> => {
  try {
    const info = await nodemailer
      .createTransport({ host: '127.0.0.1', port: stack.ports.smtp, secure: false, ignoreTLS: true })
      .sendMail({ envelope: { from: 'fuzz@example.com', to: ['bcc@kontakt.localhost'] }, raw });
    return {
      code: Number(info.response.slice(0, 3)),
      sesMessageId: /accepted as ([0-9a-f]+)/.exec(info.response)?.[1] ?? null,
      response: info.response,
    };
  } catch (error) {
    const code = z.object({ responseCode: z.number() }).safeParse(error);
    return { code: code.success ? code.data.responseCode : 0, sesMessageId: null, response: String(error) };
  }
};

describe('hostile MIME over SMTP (fast-check)', () => {
  it(`every accepted message is stored and listed, never dead-lettered, and never holds up its neighbours (seed ${seed})`, {
    timeout: 300_000,
  }, async () => {
    console.log(`smtp fuzz seed ${seed}, ${runs} messages: replay with KONTAKT_SMTP_FUZZ_SEED=${seed}`);
    onTestFailed(() => {
      console.log(`local stack output (last 20,000 characters):\n${stack.output().slice(-20_000)}`);
    });
    const started = Date.now();
    const messages = fc.sample(hostileMessage, { seed, numRuns: runs });
    const doc = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: `http://127.0.0.1:${stack.ports.dynamodb}`,
        region: localAwsEnv.AWS_REGION,
        credentials,
      }),
    );
    const sqs = new SQSClient({
      endpoint: `http://127.0.0.1:${stack.ports.emulator}`,
      useQueueUrlAsEndpoint: false,
      region: localAwsEnv.AWS_REGION,
      credentials,
    });

    // Prepare: every message, and an ordinary neighbour after every few of them
    const sent: {
      index: number;
      shape: string;
      bytes: number;
      code: number;
      sesMessageId: string | null;
      response: string;
    }[] = [];
    const neighbours: string[] = [];
    for (const [index, message] of messages.entries()) {
      const raw = toBuffer(message);
      sent.push({ index, shape: message.shape, bytes: raw.length, ...(await send(raw)) });
      if (index % neighbourEvery === neighbourEvery - 1) {
        const subject = `neighbour ${seed} ${index}`;
        neighbours.push(subject);
        await send(Buffer.from(`From: anna@example.com\r\nSubject: ${subject}\r\n\r\nGuten Tag.\r\n`));
      }
    }

    // Act: wait until every accepted message is stored or dead-lettered, collecting the DLQ on the way
    const dlqUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: 'inbound-email-dlq' }))).QueueUrl;
    const deadLettered = new Map<string, string>();
    const storedIds = new Map<string, string>();
    const accepted = sent.filter((s) => s.sesMessageId !== null);
    const settled = await eventually(async () => {
      const dlq = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: dlqUrl,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 600,
          WaitTimeSeconds: 0,
        }),
      );
      for (const m of dlq.Messages ?? []) {
        const ses = z.object({ sesMessageId: z.string() }).safeParse(JSON.parse(m.Body ?? '{}'));
        if (ses.success) deadLettered.set(ses.data.sesMessageId, m.MessageId ?? '');
      }
      for (const s of accepted) {
        const id = s.sesMessageId ?? '';
        if (storedIds.has(id) || deadLettered.has(id)) continue;
        const guard = await doc.send(new GetCommand({ TableName: localNames.table, Key: emailSesGuards.key(id) }));
        if (typeof guard.Item?.emailId === 'string') storedIds.set(id, guard.Item.emailId);
      }
      return accepted.every((s) => storedIds.has(s.sesMessageId ?? '') || deadLettered.has(s.sesMessageId ?? ''))
        ? true
        : undefined;
    }, 180_000).catch(() => false);
    const listed = await listedEmails();
    const listedIds = new Set(listed.map((e) => e.id));

    // Assess
    const failures = [
      ...sent.filter((s) => s.code !== 250).map((s) => ({ ...s, problem: 'not answered 250 (SES would accept it)' })),
      ...accepted
        .filter((s) => !storedIds.has(s.sesMessageId ?? '') && !deadLettered.has(s.sesMessageId ?? ''))
        .map((s) => ({ ...s, problem: 'neither stored nor dead-lettered' })),
      ...accepted
        .filter((s) => storedIds.has(s.sesMessageId ?? '') && !listedIds.has(storedIds.get(s.sesMessageId ?? '') ?? ''))
        .map((s) => ({ ...s, problem: 'stored but not listed' })),
      // accepted, then lost to the DLQ: exactly what every 250 must never end as
      ...accepted
        .filter((s) => deadLettered.has(s.sesMessageId ?? ''))
        .map((s) => ({ ...s, problem: 'answered 250, then dead-lettered instead of stored' })),
    ];
    if (failures.length > 0) {
      const folder = join(stack.home, 'smtp-fuzz-failures');
      await mkdir(folder, { recursive: true });
      for (const f of failures)
        await writeFile(
          join(folder, `${seed}-${f.index}.eml`),
          toBuffer(messages[f.index] ?? { pieces: [], shape: '' }),
        );
      console.log(`smtp fuzz seed ${seed}: failing messages written to ${folder}`);
    }
    const summary = {
      seed,
      messages: runs,
      accepted: accepted.length,
      stored: storedIds.size,
      truncated: listed.filter((e) => e.truncated).length,
      deadLettered: deadLettered.size,
      megabytes: Math.round(sent.reduce((sum, s) => sum + s.bytes, 0) / 1e5) / 10,
      seconds: Math.round((Date.now() - started) / 1000),
    };
    console.log(`smtp fuzz: ${JSON.stringify(summary)}`);

    expect(settled, `not settled: ${JSON.stringify(summary)}`).toBe(true);
    expect(
      failures.map(({ index, shape, bytes, code, response, problem }) => ({
        index,
        shape,
        bytes,
        code,
        response,
        problem,
      })),
    ).toEqual([]);
    expect(neighbours.filter((subject) => !listed.some((e) => e.subject === subject && !e.truncated))).toEqual([]);
  });
});
