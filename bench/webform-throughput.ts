/** Web-form submissions per second through the local stack, against the same write and send made directly with the SDK. */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { createInboxEntry } from '../domain/inbox/inbox-entry.ts';
import type { LeadReceivedV1 } from '../events/lead-received.v1.ts';
import { inboxEntries } from '../functions/inbox/inbox-entry.entity.ts';
import { createQueuePublisher } from '../functions/shared/queue-publisher.ts';
import { localNames } from '../infra/local/provision.ts';
import { localAwsEnv } from '../infra/local/services.ts';
import { allocatePorts, type RunningStack, startStackProcess } from '../test/support/local-stack-process.ts';
import { germanPersons } from './german-persons.ts';

export type PathFigures = {
  /** answers that succeeded (201 through the stack), per second of the path's own wall time */
  perSecond: number;
  ok: number;
  errors: number;
  /** status code or error name, so a throttled run shows as `429` and not as a slow stack */
  errorsByKind: Record<string, number>;
  /** latency of the successful requests */
  p50Ms: number;
  p95Ms: number;
  wallMs: number;
};

export type ThroughputFigures = {
  count: number;
  concurrency: number;
  warmUp: number;
  rounds: number;
  stack: PathFigures;
  direct: PathFigures;
  /** most duplicate checks still queued when a direct round started (0 unless a drain timed out) */
  backlogBeforeDirect: number;
  /** most duplicate checks queued when a stack round ended: how far the worker fell behind */
  backlogAfterStack: number;
  /** checks per second the worker then worked off its backlog at, alone (the rounds' checks over the drains' time) */
  drainChecksPerSecond: number;
};

export type ThroughputOptions = {
  /** requests per path, split over the rounds */
  count: number;
  concurrency: number;
  /** requests per path before the first round, not counted */
  warmUp: number;
  /** the paths take turns, so load from elsewhere on the machine falls on both alike */
  rounds: number;
};

/** A task answers null when it succeeded, else what went wrong. */
type Task = () => Promise<string | null>;

type Run = { count: number; latencies: number[]; errorsByKind: Record<string, number>; wallMs: number };

/** Nearest-rank percentile. */
const percentile = (sorted: number[], p: number): number =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0);

const kindOf = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  // fetch wraps socket errors; their code says more than "TypeError: fetch failed"
  const cause: unknown = error.cause;
  if (cause instanceof Error && 'code' in cause && typeof cause.code === 'string') return cause.code;
  return error.name;
};

/** Runs `count` tasks with at most `concurrency` in flight. */
const runPool = async (count: number, concurrency: number, task: Task): Promise<Run> => {
  const latencies: number[] = [];
  const errorsByKind: Record<string, number> = {};
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next += 1;
      const started = performance.now();
      let failure: string | null;
      try {
        failure = await task();
      } catch (error) {
        failure = kindOf(error);
      }
      if (failure === null) latencies.push(performance.now() - started);
      else errorsByKind[failure] = (errorsByKind[failure] ?? 0) + 1;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { count, latencies, errorsByKind, wallMs: performance.now() - started };
};

const summarise = (runs: Run[]): PathFigures => {
  const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const errorsByKind: Record<string, number> = {};
  for (const run of runs) {
    for (const [kind, n] of Object.entries(run.errorsByKind)) errorsByKind[kind] = (errorsByKind[kind] ?? 0) + n;
  }
  const wallMs = runs.reduce((sum, r) => sum + r.wallMs, 0);
  const count = runs.reduce((sum, r) => sum + r.count, 0);
  return {
    perSecond: latencies.length / (wallMs / 1000),
    ok: latencies.length,
    errors: count - latencies.length,
    errorsByKind,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    wallMs,
  };
};

/**
 * The posted fields of submission `n`: people drawn from German name and postcode frequencies (a
 * campaign's leads, a third of them with a company), each with an email of their own. Namesakes
 * occur as often as they do in life, so the duplicate-check worker does the work real leads give it;
 * earlier the bench posted one name and one company with numbered last names, which made every lead
 * a duplicate of every other and the worker's work grow with the square of the run.
 */
const people = (() => {
  const next = germanPersons(7);
  return Array.from({ length: 4_000 }, () => next());
})();

const submissionFields = (n: number) => {
  const person = people[n % people.length] ?? people[0];
  const lastName = person?.lastName ?? 'Mustermann';
  const local = `${person?.firstName ?? 'erika'}.${lastName}.${n}`.toLowerCase().replace(/[^a-z0-9.]/g, '');
  return {
    firstName: person?.firstName ?? 'Erika',
    lastName,
    email: `${local}@example.com`,
    ...(n % 3 === 0 ? { company: `${lastName} GmbH` } : {}),
  };
};

/**
 * The item the handler stores for submission `n` on the demo form, under a key of its own. The
 * index keys keep their attributes (so the write updates as many indexes) but not their
 * partitions, so no inbox list, and above all not the sweeper's pending-check index, ever sees a
 * benchmark item.
 */
const benchItem = (n: number, id: string, now: Date): Record<string, unknown> => {
  const fields = submissionFields(n);
  const entry = createInboxEntry(
    {
      id,
      source: 'webform',
      priority: 'normal',
      responsibleUserId: null,
      // the demo form maps `company` to companyName and the rest one to one
      contact: {
        firstName: fields.firstName,
        lastName: fields.lastName,
        email: fields.email,
        ...(fields.company === undefined ? {} : { companyName: fields.company }),
      },
      raw: { formKey: 'demo', fields },
      createdBy: null,
    },
    now,
  );
  const item: Record<string, unknown> = { ...inboxEntries.item(entry), pk: `BENCH#${id}`, sk: 'BENCH' };
  for (const [name, value] of Object.entries(item)) {
    if (/^gsi\dpk$/.test(name)) item[name] = `BENCH#${String(value)}`;
  }
  return item;
};

/** a round's checks, one record at a time per poller, take up to a minute on 2 cores */
const drainTimeoutMs = 180_000;

/** Duplicate checks on the queue, waiting or being worked on. */
const queued = async (sqs: SQSClient, queueUrl: string): Promise<number> => {
  const res = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(res.Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(res.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
};

/** Waits until the stack's worker has taken every duplicate check off its queue; answers what is left. */
const drain = async (sqs: SQSClient, queueUrl: string): Promise<number> => {
  const deadline = Date.now() + drainTimeoutMs;
  for (;;) {
    const left = await queued(sqs, queueUrl);
    if (left === 0 || Date.now() > deadline) return left;
    await new Promise((done) => setTimeout(done, 200));
  }
};

/**
 * Starts the local stack as `npm start` does (throttling lifted: this measures capacity, not the
 * stage's limits), then posts submissions through its HTTP API and makes the same write and send
 * directly against its DynamoDB Local and emulator. Stops the stack and removes its data, also
 * when something fails.
 */
export const measureWebformThroughput = async (options: ThroughputOptions): Promise<ThroughputFigures> => {
  const { count, concurrency, warmUp, rounds } = options;
  const home = await mkdtemp(join(tmpdir(), 'kontakt-bench-stack-'));
  const clients: { destroy: () => void }[] = [];
  let stack: RunningStack | undefined;
  try {
    const ports = await allocatePorts();
    stack = await startStackProcess({ home, ports, env: { KONTAKT_THROTTLE: 'off', KONTAKT_CLIENT_LIMITS: 'off' } });
    const baseUrl = stack.baseUrl;

    const region = localAwsEnv.AWS_REGION;
    const credentials = {
      accessKeyId: localAwsEnv.AWS_ACCESS_KEY_ID,
      secretAccessKey: localAwsEnv.AWS_SECRET_ACCESS_KEY,
    };
    const dynamo = new DynamoDBClient({ endpoint: `http://127.0.0.1:${ports.dynamodb}`, region, credentials });
    const sqs = new SQSClient({
      endpoint: `http://127.0.0.1:${ports.emulator}`,
      region,
      credentials,
      useQueueUrlAsEndpoint: false,
    });
    clients.push(dynamo, sqs);
    // the handler's own marshalling options and publisher, so the direct path does the same work per call
    const doc = DynamoDBDocumentClient.from(dynamo, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    });
    const publisher = createQueuePublisher(sqs);
    // A message on duplicate-check would reach the stack's worker, which knows no such entry.
    const created = await sqs.send(new CreateQueueCommand({ QueueName: 'bench-direct' }));
    const directQueueUrl = created.QueueUrl;
    if (!directQueueUrl) throw new Error('the emulator gave no URL for the bench-direct queue');
    const checkQueueUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: 'duplicate-check' }))).QueueUrl;
    if (!checkQueueUrl) throw new Error('the local stack has no duplicate-check queue');

    // every submission gets its own number, so its email is new to the duplicate check
    let submitted = 0;
    const throughStack: Task = async () => {
      const res = await fetch(`${baseUrl}/v1/webforms/demo/submissions`, {
        method: 'POST',
        // no Origin, as a server posts: a browser's would only add the CORS check against the form's origins
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(submissionFields(submitted++)),
      });
      // read to the end, so the connection is free for the next request
      await res.arrayBuffer();
      return res.status === 201 ? null : String(res.status);
    };
    const direct: Task = async () => {
      const now = new Date();
      const id = ulid(now.getTime());
      await doc.send(new PutCommand({ TableName: localNames.table, Item: benchItem(submitted++, id, now) }));
      const event: LeadReceivedV1 = {
        type: 'lead-received',
        version: 1,
        inboxEntryId: id,
        source: 'webform',
        requestedAt: now.toISOString(),
      };
      await publisher.publish(directQueueUrl, event);
      return null;
    };

    // Warm-ups compile both paths (handlers, SDK, DynamoDB Local's JIT) and open connections.
    await runPool(warmUp, concurrency, throughStack);
    await runPool(warmUp, concurrency, direct);
    const stackRuns: Run[] = [];
    const directRuns: Run[] = [];
    let backlogBeforeDirect = 0;
    let backlogAfterStack = 0;
    let drained = 0;
    let drainMs = 0;
    for (let round = 0; round < rounds; round++) {
      const share = Math.floor(count / rounds) + (round < count % rounds ? 1 : 0);
      // The worker runs in the stack's process: its checks belong to the stack's figure, so they
      // must not load the direct round.
      const drainStarted = performance.now();
      const before = await queued(sqs, checkQueueUrl);
      backlogBeforeDirect = Math.max(backlogBeforeDirect, await drain(sqs, checkQueueUrl));
      if (round > 0) {
        drained += before;
        drainMs += performance.now() - drainStarted;
      }
      directRuns.push(await runPool(share, concurrency, direct));
      stackRuns.push(await runPool(share, concurrency, throughStack));
      backlogAfterStack = Math.max(backlogAfterStack, await queued(sqs, checkQueueUrl));
    }
    const lastStarted = performance.now();
    const lastBefore = await queued(sqs, checkQueueUrl);
    backlogBeforeDirect = Math.max(backlogBeforeDirect, await drain(sqs, checkQueueUrl));
    drained += lastBefore;
    drainMs += performance.now() - lastStarted;
    return {
      count,
      concurrency,
      warmUp,
      rounds,
      stack: summarise(stackRuns),
      direct: summarise(directRuns),
      backlogBeforeDirect,
      backlogAfterStack,
      drainChecksPerSecond: drainMs > 0 ? drained / (drainMs / 1000) : Number.NaN,
    };
  } catch (error) {
    // a refused connection usually means the stack died; its own output says why
    const output = stack?.output().slice(-4000);
    throw output
      ? new Error(`webform-throughput failed; the stack's last output:\n${output}`, { cause: error })
      : error;
  } finally {
    for (const client of clients) client.destroy();
    if (stack) await stack.stop();
    await rm(home, { recursive: true, force: true });
  }
};
