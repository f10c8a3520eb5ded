/**
 * An outage of DynamoDB is not a bug. DynamoDB Local is killed (SIGKILL) in the middle of a burst of
 * web-form leads: the outage is answered 503 with Retry-After (never 500), every lead acknowledged
 * with 201 is there after the stack has restarted DynamoDB Local by itself, and the refused ones,
 * sent again with the same Idempotency-Key, are stored exactly once. When DynamoDB Local cannot be
 * brought back, the stack stops with an error instead of serving without its database.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isLoopback, listeningSockets, pidListeningOn, processTree } from '../support/listening-sockets.ts';
import { eventually, type RunningStack, startStackProcess } from '../support/local-stack-process.ts';

let current: RunningStack | undefined;

afterEach(async () => {
  // each test stops its own stack, so the next one does not share the machine with it
  await current?.stop();
  current = undefined;
});

const start = async (env: Record<string, string> = {}): Promise<RunningStack> => {
  current = await startStackProcess({ env });
  return current;
};

/** The DynamoDB Local serving this stack: the process listening on its port, found among the stack's own children. */
const dynamoDbPid = async (running: RunningStack): Promise<number> => {
  const pid = await pidListeningOn(running.ports.dynamodb);
  if (pid === undefined) throw new Error(`nothing listens on ${running.ports.dynamodb}`);
  const tree = await processTree(running.pid);
  if (!tree.includes(pid) || pid === running.pid) {
    throw new Error(`pid ${pid} on port ${running.ports.dynamodb} is not a child of the stack (${running.pid})`);
  }
  return pid;
};

type Lead = { key: string; body: Record<string, string> };
type Answer = {
  key: string;
  status: number | 'network';
  id?: string;
  retryAfter: string | null;
  contentType: string | null;
  body: string;
};

const submit = async (stack: RunningStack, lead: Lead): Promise<Answer> => {
  try {
    const res = await fetch(`${stack.baseUrl}/v1/webforms/demo/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': lead.key },
      body: JSON.stringify(lead.body),
    });
    const body = await res.text();
    const id = res.status === 201 ? (JSON.parse(body) as { id: string }).id : undefined;
    return {
      key: lead.key,
      status: res.status,
      ...(id === undefined ? {} : { id }),
      retryAfter: res.headers.get('retry-after'),
      contentType: res.headers.get('content-type'),
      body,
    };
  } catch {
    return { key: lead.key, status: 'network', retryAfter: null, contentType: null, body: '' };
  }
};

/** As the embed script does: the same key again until it is stored, waiting as Retry-After asks (bounded). */
const submitUntilStored = async (stack: RunningStack, lead: Lead, deadline: number): Promise<Answer> => {
  for (;;) {
    const answer = await submit(stack, lead);
    if (answer.status === 201 || Date.now() > deadline) return answer;
    const seconds = Number(answer.retryAfter ?? '1');
    await new Promise((done) => setTimeout(done, Math.min(seconds, 5) * 1000));
  }
};

type Entry = { id: string; contact: { email?: string }; duplicateCheck: { status: string } };

const listByCompany = async (stack: RunningStack, company: string): Promise<Entry[]> => {
  const all: Entry[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `q=${company}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await fetch(`${stack.baseUrl}/v1/inbox?${query}`, {
      headers: { authorization: `Bearer ${stack.salesToken}` },
    });
    if (res.status !== 200) throw new Error(`GET /v1/inbox?${query} → ${res.status} ${await res.text()}`);
    const page = (await res.json()) as { items: Entry[]; nextCursor: string | null };
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
};

describe('DynamoDB Local killed in the middle of a burst of leads', () => {
  it('answers the outage 503 with Retry-After, restarts it, keeps every acknowledged lead and stores each retried one once', async () => {
    const stack = await start({
      KONTAKT_THROTTLE: 'off',
      KONTAKT_RETRY_SECONDS: '1',
      // checks whose messages went to the DLQ during the outage are requested again soon
      KONTAKT_PENDING_CHECK_GRACE_SECONDS: '4',
      KONTAKT_SCHEDULE_SECONDS: '2',
    });
    const run = `outage${randomUUID()
      .replace(/[^a-z]/g, '')
      .slice(0, 8)}`;
    const leads: Lead[] = Array.from({ length: 120 }, (_, i) => ({
      key: randomUUID(),
      body: { firstName: 'Ausfall', lastName: `Nummer${i}`, email: `lead${i}.${run}@example.com`, company: run },
    }));
    const killed = await dynamoDbPid(stack);

    // Prepare / Act: 8 clients send the leads one after another; after the first 30 answers DynamoDB Local is killed.
    const answers: Answer[] = [];
    let next = 0;
    let kill: Promise<void> | undefined;
    const client = async (): Promise<void> => {
      while (next < leads.length) {
        const lead = leads[next++];
        if (!lead) return;
        answers.push(await submit(stack, lead));
        if (answers.length === 30 && !kill) kill = Promise.resolve().then(() => void process.kill(killed, 'SIGKILL'));
      }
    };
    await Promise.all(Array.from({ length: 8 }, client));
    await kill;

    // the stack brings DynamoDB Local back by itself, on the same port, and serves again
    const probe = (): Lead => ({ key: randomUUID(), body: { lastName: 'Probe', email: 'probe@example.com' } });
    await eventually(async () => ((await submit(stack, probe())).status === 201 ? true : undefined), 120_000);
    const restarted = await dynamoDbPid(stack);
    const deadline = Date.now() + 120_000;
    const refused = answers.filter((a) => a.status !== 201);
    const retried = await Promise.all(
      refused.map((a) =>
        submitUntilStored(stack, leads.find((l) => l.key === a.key) ?? { key: a.key, body: {} }, deadline),
      ),
    );
    // every key once more: an acknowledged lead is answered with its first id, never stored again
    const replayed = await Promise.all(leads.map((lead) => submit(stack, lead)));

    // Assess: the outage was answered 503 problem+json with Retry-After, never 500
    expect(refused.length, 'DynamoDB Local was killed while leads were still coming').toBeGreaterThan(0);
    expect(answers.filter((a) => a.status !== 201 && a.status !== 503)).toEqual([]);
    for (const a of refused) {
      expect(a.contentType).toBe('application/problem+json');
      expect(Number(a.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(JSON.parse(a.body)).toMatchObject({ type: '/problems/service-unavailable', status: 503 });
    }
    expect(stack.output()).toContain('is serving again');
    expect(restarted).not.toBe(killed);
    const dynamoSockets = (await listeningSockets()).filter((s) => s.port === stack.ports.dynamodb);
    expect(dynamoSockets.filter((s) => !isLoopback(s.address))).toEqual([]);

    // every refused lead went through once it was back, and each key has exactly one id
    expect(retried.filter((a) => a.status !== 201)).toEqual([]);
    expect(replayed.filter((a) => a.status !== 201)).toEqual([]);
    const idByKey = new Map<string, string>();
    for (const a of [...answers, ...retried, ...replayed].filter((x) => x.status === 201)) {
      expect(idByKey.get(a.key) ?? a.id, `one id for Idempotency-Key ${a.key}`).toBe(a.id);
      if (a.id) idByKey.set(a.key, a.id);
    }
    expect(idByKey.size).toBe(leads.length);

    // every acknowledged lead survived, nothing is stored twice, and every lead gets its duplicate check
    const stored = await eventually(async () => {
      const entries = await listByCompany(stack, run);
      const settled = entries.length >= leads.length && entries.every((e) => e.duplicateCheck.status !== 'pending');
      return settled ? entries : undefined;
    }, 180_000);
    expect(stored).toHaveLength(leads.length);
    expect(new Set(stored.map((e) => e.id))).toEqual(new Set(idByKey.values()));
    expect(new Set(stored.map((e) => e.contact.email)).size).toBe(leads.length);
    expect(stored.filter((e) => e.duplicateCheck.status !== 'done')).toEqual([]);
  }, 600_000);
});

describe('DynamoDB Local that cannot be brought back', () => {
  it('stops the stack with an error and a non-zero exit code instead of serving without its database', async () => {
    const stack = await start();
    const killed = await dynamoDbPid(stack);
    let blocker: Server | undefined;
    const accepted: Socket[] = [];

    // Act: kill it and take its port first, so every restart finds the port in use
    process.kill(killed, 'SIGKILL');
    await eventually(async () => {
      const server = createServer((socket) => void accepted.push(socket));
      const listening = await new Promise<boolean>((done) => {
        server.once('error', () => done(false));
        server.listen(stack.ports.dynamodb, '127.0.0.1', () => done(true));
      });
      if (!listening) return undefined;
      blocker = server;
      return true;
    }, 30_000);
    const exitCode = await Promise.race([
      stack.exited,
      new Promise<'still running'>((done) => setTimeout(() => done('still running'), 420_000)),
    ]);
    for (const socket of accepted) socket.destroy();
    await new Promise<void>((done) => (blocker ? blocker.close(() => done()) : done()));

    // Assess
    expect(exitCode, stack.output().slice(-3000)).toBe(1);
    expect(stack.output()).toMatch(/Kontakt local stack cannot go on: DynamoDB Local \(pid \d+\) exited with SIGKILL/);
    const stillListening = (await listeningSockets()).filter((s) => Object.values(stack.ports).includes(s.port));
    expect(stillListening).toEqual([]);
  }, 600_000);
});
