import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { conflict } from '../../../domain/shared/errors.ts';
import { classifyStoreFailure } from '../../../functions/agencies/store-failure.ts';

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

const sdkError = (name: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(name), { name, $metadata: { attempts: 1 }, ...extra });

describe('classifyStoreFailure', () => {
  it('blames the lead when DynamoDB refuses what it holds, or our own code fails on its values', () => {
    expect(classifyStoreFailure(sdkError('ValidationException'))).toBe('lead');
    expect(classifyStoreFailure(cancelled('None', 'ValidationError'))).toBe('lead');
    expect(classifyStoreFailure(new TypeError('cannot read properties of undefined'))).toBe('lead');
  });

  it('asks for another attempt when the write met a concurrent one', () => {
    expect(classifyStoreFailure(cancelled('None', 'TransactionConflict'))).toBe('conflict');
  });

  it('tells a busy database (too slow to answer, throttling) from one that is not there', () => {
    expect(classifyStoreFailure(sdkError('TimeoutError', { code: 'ETIMEDOUT' }))).toBe('overload');
    expect(classifyStoreFailure(sdkError('ProvisionedThroughputExceededException'))).toBe('overload');
    expect(classifyStoreFailure(sdkError('ThrottlingException'))).toBe('overload');
    expect(classifyStoreFailure(cancelled('None', 'ThrottlingError'))).toBe('overload');
    expect(classifyStoreFailure(sdkError('TransactionInProgressException'))).toBe('overload');
    expect(classifyStoreFailure(sdkError('Error', { code: 'ECONNREFUSED' }))).toBe('other');
  });

  it('leaves outages, server errors and our own answers to the request as a whole', () => {
    expect(classifyStoreFailure(sdkError('Error', { code: 'ECONNRESET' }))).toBe('other');
    expect(classifyStoreFailure(sdkError('InternalServerError'))).toBe('other');
    expect(classifyStoreFailure(conflict('already-exists', 'exists'))).toBe('other');
  });
});
