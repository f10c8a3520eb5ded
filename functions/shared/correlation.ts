/**
 * The correlation id of the work in hand: one id from an API request through every queue message
 * it causes (SQS message attribute `correlationId`) and every log line on the way. Kept in an
 * AsyncLocalStorage, so records of one batch processed side by side each log their own.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

type Scope = { correlationId: string; keys: Readonly<Record<string, string>> };
const scope = new AsyncLocalStorage<Scope>();

/** The request header a client may send its own id in (answered in the response). */
export const correlationHeader = 'x-correlation-id';
/** The SQS message attribute every published message carries it in. */
export const correlationAttribute = 'correlationId';

/** Letters, digits and `._:-`, up to 128: a client's id goes into logs and messages as given. */
const acceptable = /^[A-Za-z0-9._:-]{1,128}$/;

/** A given id when it is acceptable, else the fallback (the API's request id, the message id). */
export const correlationIdOf = (given: string | undefined, fallback: string): string =>
  given !== undefined && acceptable.test(given) ? given : fallback;

/** Runs `work` with this correlation id, and keys every log line of it carries (the API request id). */
export const withCorrelation = <T>(correlationId: string, work: () => T, keys: Record<string, string> = {}): T =>
  scope.run({ correlationId, keys }, work);

/** The correlation id of the work in hand, if any. */
export const currentCorrelationId = (): string | undefined => scope.getStore()?.correlationId;

/** The SQS message attributes that carry the work's correlation id on a message it sends (none outside work). */
export const correlationMessageAttributes = (): {
  MessageAttributes?: Record<string, { DataType: 'String'; StringValue: string }>;
} => {
  const id = currentCorrelationId();
  return id === undefined
    ? {}
    : { MessageAttributes: { [correlationAttribute]: { DataType: 'String', StringValue: id } } };
};

/** What the log lines of the work in hand carry: its correlation id and keys. */
export const correlationKeys = (): Record<string, string> => {
  const store = scope.getStore();
  return store ? { correlation_id: store.correlationId, ...store.keys } : {};
};

/**
 * The invocation's function and request id for the work's log lines: kept with the work, not in the
 * logger (where the local stack, running every function in one process, would mix them up).
 */
export const lambdaKeys = (context: { functionName: string; awsRequestId: string }): Record<string, string> => ({
  function_name: context.functionName,
  function_request_id: context.awsRequestId,
});

/**
 * A scheduled run (or another invocation without a request) under its own correlation id, the
 * invocation's request id: the messages it sends (a sweeper's re-requests) and their workers' log
 * lines carry it.
 */
export const scheduledRun = <T>(
  context: { functionName: string; awsRequestId: string } | undefined,
  work: () => Promise<T>,
): Promise<T> => withCorrelation(context?.awsRequestId ?? randomUUID(), work, context ? lambdaKeys(context) : {});
