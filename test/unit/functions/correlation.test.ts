// The correlation id of the work in hand: a client's id taken only when it is harmless, each piece
// of work side by side keeping its own, and every message it publishes carrying it.
import type { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import {
  correlationIdOf,
  correlationKeys,
  currentCorrelationId,
  scheduledRun,
  withCorrelation,
} from '../../../functions/shared/correlation.ts';
import { createQueuePublisher } from '../../../functions/shared/queue-publisher.ts';

describe('a correlation id', () => {
  it('is the client’s when it is letters, digits and ._:- up to 128, else the fallback', () => {
    expect(correlationIdOf('order-4711.a:b_c', 'req-1')).toBe('order-4711.a:b_c');
    expect(correlationIdOf('has space', 'req-1')).toBe('req-1');
    expect(correlationIdOf('x'.repeat(129), 'req-1')).toBe('req-1');
    expect(correlationIdOf('{"$ne":1}', 'req-1')).toBe('req-1');
    expect(correlationIdOf(undefined, 'req-1')).toBe('req-1');
  });

  it('stays with its own work when pieces of work run side by side', async () => {
    const seen = await Promise.all(
      ['a', 'b', 'c'].map((id, i) =>
        withCorrelation(
          id,
          async () => {
            await new Promise((done) => setTimeout(done, 10 * (3 - i)));
            return [currentCorrelationId(), correlationKeys()];
          },
          { api_request_id: `r-${id}` },
        ),
      ),
    );
    expect(seen).toEqual([
      ['a', { correlation_id: 'a', api_request_id: 'r-a' }],
      ['b', { correlation_id: 'b', api_request_id: 'r-b' }],
      ['c', { correlation_id: 'c', api_request_id: 'r-c' }],
    ]);
    expect(currentCorrelationId()).toBeUndefined();
  });
});

describe('a scheduled run', () => {
  it('works under its invocation’s request id, which its messages and log lines carry', async () => {
    const seen = await scheduledRun(
      { functionName: 'kontakt-pending-check-sweeper', awsRequestId: 'inv-7' },
      async () => [currentCorrelationId(), correlationKeys()],
    );
    const withoutContext = await scheduledRun(undefined, async () => currentCorrelationId());

    expect(seen).toEqual([
      'inv-7',
      { correlation_id: 'inv-7', function_name: 'kontakt-pending-check-sweeper', function_request_id: 'inv-7' },
    ]);
    expect(withoutContext).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('a published message', () => {
  it('carries the correlation id of the work that sent it as a message attribute', async () => {
    const sent: { input: Record<string, unknown> }[] = [];
    const sqs = {
      send: async (command: { input: Record<string, unknown> }) => sent.push(command),
    } as unknown as SQSClient;
    const publisher = createQueuePublisher(sqs);
    const event = {
      type: 'csv-import-requested',
      version: 1,
      importId: 'i',
      requestedAt: '2031-01-01T00:00:00Z',
    } as const;

    await withCorrelation('corr-1', () => publisher.publish('https://q', event));
    await withCorrelation('corr-2', () => publisher.publishBatch?.('https://q', [event, event]));
    await publisher.publish('https://q', event);

    expect(sent[0]?.input.MessageAttributes).toEqual({ correlationId: { DataType: 'String', StringValue: 'corr-1' } });
    expect(
      ((sent[1]?.input.Entries ?? []) as { MessageAttributes: unknown }[]).map((e) => e.MessageAttributes),
    ).toEqual([
      { correlationId: { DataType: 'String', StringValue: 'corr-2' } },
      { correlationId: { DataType: 'String', StringValue: 'corr-2' } },
    ]);
    expect(sent[2]?.input.MessageAttributes).toBeUndefined();
  });
});
