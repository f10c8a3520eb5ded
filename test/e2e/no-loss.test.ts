// No lead is lost: a few hundred concurrent submissions, some retried with the same Idempotency-Key,
// while the duplicate-check worker fails half of its records; afterwards every lead is in the inbox
// exactly once and checked (retried, or re-requested by the sweeper after the DLQ), none left pending.
// The clients retry as the embed script does: an answer that says "later" (429, 503) is sent again
// under the same Idempotency-Key, which is what makes retrying safe on a busy machine.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { type RunningStack, startStackProcess } from '../support/local-stack-process.ts';
import { fetchWithRetries, neverAcceptable } from '../support/retrying-fetch.ts';

let stack: RunningStack;

beforeAll(async () => {
  stack = await startStackProcess({
    env: {
      KONTAKT_THROTTLE: 'off',
      KONTAKT_RETRY_SECONDS: '1',
      KONTAKT_WORKER_FAILURE_RATE: 'duplicate-check:0.5',
      KONTAKT_PENDING_CHECK_GRACE_SECONDS: '4',
      KONTAKT_SCHEDULE_SECONDS: '2',
    },
  });
});

afterAll(async () => {
  await stack?.stop();
});

/** Runs tasks with at most `limit` in flight. */
const pool = async <T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> => {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      const task = tasks[i];
      if (task) results[i] = await task();
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
};

type Entry = { id: string; contact: { email?: string }; duplicateCheck: { status: string } };

describe('no lead is lost', () => {
  it('stores every lead exactly once and checks every one, while the checks fail half the time', async () => {
    const run = `nl${randomUUID()
      .replace(/[^a-z]/g, '')
      .slice(0, 6)}`;
    const leads = Array.from({ length: 250 }, (_, i) => ({
      key: randomUUID(),
      body: { firstName: 'Lead', lastName: `Nummer${i}`, email: `lead${i}.${run}@example.com`, company: run },
    }));
    const repeated = leads.slice(0, 50);
    const seen: number[] = [];
    const submit = (lead: (typeof leads)[number]) => async () => {
      const res = await fetchWithRetries(
        `${stack.baseUrl}/v1/webforms/demo/submissions`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': lead.key },
          body: JSON.stringify(lead.body),
        },
        { seen },
      );
      const body = (await res.json()) as { id: string };
      return { key: lead.key, status: res.status, id: body.id };
    };

    const answers = await pool([...leads, ...repeated, ...repeated].map(submit), 40);
    const retriedLater = await pool(repeated.slice(0, 20).map(submit), 10);

    expect(answers.filter((a) => a.status !== 201)).toEqual([]);
    // a busy database may ask for a retry (503 with Retry-After, sent again with the key); never a 500
    expect(neverAcceptable(seen)).toEqual([]);
    const idByKey = new Map<string, string>();
    for (const a of [...answers, ...retriedLater]) {
      expect(idByKey.get(a.key) ?? a.id, `one id per Idempotency-Key ${a.key}`).toBe(a.id);
      idByKey.set(a.key, a.id);
    }
    expect(new Set(idByKey.values()).size).toBe(leads.length);

    const stored = await eventually(
      async () => {
        const all: Entry[] = [];
        let cursor: string | null = null;
        do {
          const query: string = `q=${run}&limit=100${cursor ? `&cursor=${cursor}` : ''}`;
          const res = await fetch(`${stack.baseUrl}/v1/inbox?${query}`, {
            headers: { authorization: `Bearer ${stack.salesToken}` },
          });
          const page = (await res.json()) as { items: Entry[]; nextCursor: string | null };
          all.push(...page.items);
          cursor = page.nextCursor;
        } while (cursor);
        const settled = all.length === leads.length && all.every((e) => e.duplicateCheck.status !== 'pending');
        return settled ? all : undefined;
      },
      { timeoutMs: 200_000, what: `${leads.length} leads in the inbox, none with its duplicate check pending` },
    );

    expect(new Set(stored.map((e) => e.id))).toEqual(new Set(idByKey.values()));
    expect(new Set(stored.map((e) => e.contact.email)).size).toBe(leads.length);
    expect(stored.filter((e) => e.duplicateCheck.status !== 'done')).toEqual([]);
  });
});
