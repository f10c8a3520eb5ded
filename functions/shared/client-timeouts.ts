/**
 * Bounded waits for every AWS client, so a dependency that is down or hung costs a request a few
 * seconds and a 503 (see problem.ts), never the function's whole timeout. Without them the SDK
 * waits for a connection and an answer as long as the socket lives.
 */
/**
 * Connecting to an AWS endpoint takes milliseconds (locally, the kernel accepts even for a busy
 * server), so 2 s means it is not there. An answer (its headers; bodies stream on) may take longer
 * on a busy machine, so 4 s. With `maxAttempts` 2 a hung dependency costs one call at most about
 * 8 s, inside the API functions' 10 s, so the caller gets a 503 and not the gateway's timeout.
 */
export type RequestTimeouts = { connectionTimeout: number; requestTimeout: number; throwOnRequestTimeout: boolean };

/**
 * Attempts per call (the SDK's default is 3): a refused or reset connection or a throttle is tried
 * once more after the SDK's backoff, then the caller answers 503 with Retry-After and the client
 * (or the queue) retries later, which waits longer than the SDK would.
 */
export const maxAttempts = 2;

/** The AWS clients' `requestHandler` options (their NodeHttpHandler's), in milliseconds. */
export const requestTimeouts: RequestTimeouts = {
  connectionTimeout: 2_000,
  requestTimeout: 4_000,
  // without it a breached requestTimeout is only logged, and the request waits on
  throwOnRequestTimeout: true,
};

/** S3 sends bodies of up to tens of MB (raw mail, attachments, CSV files) within its request time. */
export const bodyRequestTimeouts: RequestTimeouts = { ...requestTimeouts, requestTimeout: 30_000 };
