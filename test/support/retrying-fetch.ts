/**
 * A client as a careful partner writes one: an answer that says "later" (429, 503, or any answer
 * carrying Retry-After) and a connection that failed are sent again, unchanged (so under the same
 * Idempotency-Key), after the time the answer names, until a deadline. Tests that check what a
 * client ends up with use it; tests of the "later" answer itself use plain fetch. Every answer it saw
 * is recorded (`seen`), so a 5xx that a retry hid still fails the test that must not see one.
 */
import { defaultPatienceMs } from './eventually.ts';

export type RetryOptions = {
  /** which answers to send again; by default 429, 503 and any 4xx/5xx with Retry-After */
  retryOn?: (res: Response) => boolean;
  /** give up (and return the last answer) after this long */
  deadlineMs?: number;
  /** every answer's status, retried ones included, so a test can assert none was a 5xx it must not see */
  seen?: number[];
};

/** Statuses a client must never see, even when it retried them: every 5xx but a dependency's 503. */
export const neverAcceptable = (statuses: readonly number[]): number[] => statuses.filter((s) => s >= 500 && s !== 503);

/** What a partner's client does with these answers: wait, then send the same request again. */
export const asksToRetry = (res: Response): boolean =>
  res.status === 429 || res.status === 503 || (res.status >= 400 && res.headers.has('retry-after'));

/** Meta delivers a webhook again on any answer but a 200. */
export const metaRetries = (res: Response): boolean => res.status !== 200;

const waitMs = (res: Response | null): number => {
  const seconds = Number(res?.headers.get('retry-after'));
  // the answer's own Retry-After, else a second (API Gateway's 429 carries none); never more than 10 s
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 10) * 1000 : 1000;
};

export const fetchWithRetries = async (
  url: string,
  init: RequestInit,
  options: RetryOptions = {},
): Promise<Response> => {
  const retryOn = options.retryOn ?? asksToRetry;
  const deadline = Date.now() + (options.deadlineMs ?? defaultPatienceMs);
  for (;;) {
    let res: Response | null = null;
    let failure: unknown = null;
    try {
      res = await fetch(url, init);
      options.seen?.push(res.status);
    } catch (error) {
      // a connection reset or refused under load: the request may or may not have arrived; the key makes that safe
      failure = error;
    }
    if (res !== null && !retryOn(res)) return res;
    if (Date.now() + waitMs(res) > deadline) {
      if (res !== null) return res;
      throw failure;
    }
    await res?.arrayBuffer();
    await new Promise((done) => setTimeout(done, waitMs(res)));
  }
};
