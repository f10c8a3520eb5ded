import {
  ChangeMessageVisibilityCommand,
  type ChangeMessageVisibilityCommandInput,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LeadReceivedV1 } from '../../../events/lead-received.v1.ts';
import { logger } from '../../../functions/shared/logger.ts';
import { backoffSeconds, queueUrlOfArn, sqsHandler } from '../../../functions/shared/sqs.ts';
import { lambdaContext, sqsEvent } from '../../support/events.ts';

const lead = (id: string) =>
  JSON.stringify({
    type: 'lead-received',
    version: 1,
    inboxEntryId: id,
    source: 'webform',
    requestedAt: new Date().toISOString(),
  });

describe('SQS edge', () => {
  it('reports only the failed and the poison records, and processes the others', async () => {
    const seen: string[] = [];
    const handler = sqsHandler(LeadReceivedV1, async (message) => {
      if (message.inboxEntryId === 'bad') throw new Error('cannot check');
      seen.push(message.inboxEntryId);
    });

    const res = await handler(
      sqsEvent([
        { id: 'm1', body: lead('a') },
        { id: 'm2', body: lead('bad') },
        { id: 'm3', body: '{"not":"an event"}' },
        { id: 'm4', body: lead('b') },
      ]),
      lambdaContext(),
    );

    expect(seen).toEqual(['a', 'b']);
    expect(res.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['m2', 'm3']);
  });

  it('reports every record when all fail, instead of throwing the batch away', async () => {
    const handler = sqsHandler(LeadReceivedV1, async () => {
      throw new Error('down');
    });

    const res = await handler(
      sqsEvent([
        { id: 'm1', body: lead('a') },
        { id: 'm2', body: lead('b') },
      ]),
      lambdaContext(),
    );

    expect(res.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['m1', 'm2']);
  });

  it('takes a batch one record at a time when asked to, each still failing alone', async () => {
    const events: string[] = [];
    const work = async (id: string): Promise<void> => {
      events.push(`start ${id}`);
      // a record that waits on the network: side by side, the next would start meanwhile
      await new Promise((done) => setTimeout(done, 5));
      events.push(`end ${id}`);
      if (id === 'bad') throw new Error('cannot check');
    };
    const inOrder = sqsHandler(LeadReceivedV1, (message) => work(message.inboxEntryId), { oneAtATime: true });
    const batch = sqsEvent([
      { id: 'm1', body: lead('a') },
      { id: 'm2', body: lead('bad') },
      { id: 'm3', body: lead('b') },
    ]);

    const res = await inOrder(batch, lambdaContext());

    expect(events).toEqual(['start a', 'end a', 'start bad', 'end bad', 'start b', 'end b']);
    expect(res.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['m2']);

    // and side by side without it (the default): every record starts before the first ends
    events.length = 0;
    await sqsHandler(LeadReceivedV1, (message) => work(message.inboxEntryId))(batch, lambdaContext());
    expect(events.slice(0, 3)).toEqual(['start a', 'start bad', 'start b']);
  });
});

describe('failure logs', () => {
  afterEach(() => vi.restoreAllMocks());

  const failing = (maxReceiveCount?: number) =>
    sqsHandler(
      LeadReceivedV1,
      async () => {
        throw new Error('Graph API answered 503');
      },
      maxReceiveCount === undefined ? {} : { maxReceiveCount },
    );

  it('logs a failure the queue will retry as one WARN line with its reason and no stack', async () => {
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const error = vi.spyOn(logger, 'error').mockImplementation(() => undefined);

    await failing(8)(sqsEvent([{ id: 'm1', body: lead('a'), receiveCount: 7 }]), lambdaContext());

    expect(error).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]).toEqual([
      'message failed; it will be retried',
      { reason: 'Error: Graph API answered 503', messageId: 'm1', receiveCount: 7, maxReceiveCount: 8 },
    ]);
  });

  it('logs the last receive, before the dead-letter queue, as an ERROR with the error and its stack', async () => {
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const error = vi.spyOn(logger, 'error').mockImplementation(() => undefined);

    await failing(8)(sqsEvent([{ id: 'm1', body: lead('a'), receiveCount: 8 }]), lambdaContext());

    expect(warn).not.toHaveBeenCalled();
    expect(error).toHaveBeenCalledTimes(1);
    expect(error.mock.calls[0]?.[0]).toBe('message failed on its last receive; it goes to the dead-letter queue');
    expect(error.mock.calls[0]?.[1]).toMatchObject({ error: expect.any(Error), receiveCount: 8 });
  });

  it('logs every failure as an ERROR when the worker does not know its queue’s receives', async () => {
    const error = vi.spyOn(logger, 'error').mockImplementation(() => undefined);

    await failing()(sqsEvent([{ id: 'm1', body: lead('a') }]), lambdaContext());

    expect(error).toHaveBeenCalledTimes(1);
  });
});

describe('concurrent batches', () => {
  it('answers each of two batches handled at the same time with its own failures (the local runtime runs two at once)', async () => {
    let release = (): void => undefined;
    const gate = new Promise<void>((done) => {
      release = done;
    });
    const handler = sqsHandler(LeadReceivedV1, async (message) => {
      // the first batch's records wait until the second batch has started
      if (message.inboxEntryId.startsWith('slow')) await gate;
      if (message.inboxEntryId.endsWith('bad')) throw new Error('cannot check');
    });

    const first = handler(
      sqsEvent([
        { id: 'a1', body: lead('slow-ok') },
        { id: 'a2', body: lead('slow-bad') },
      ]),
      lambdaContext(),
    );
    const second = handler(
      sqsEvent([
        { id: 'b1', body: '{"type":"lead-received","version":2}' },
        { id: 'b2', body: lead('fast-ok') },
      ]),
      lambdaContext(),
    );
    const secondAnswer = await second;
    release();
    const firstAnswer = await first;

    expect(firstAnswer.batchItemFailures).toEqual([{ itemIdentifier: 'a2' }]);
    expect(secondAnswer.batchItemFailures).toEqual([{ itemIdentifier: 'b1' }]);
  });
});

describe('retry backoff', () => {
  it('doubles the delay with each receive, up to its cap and SQS’s 12 hours', () => {
    expect([1, 2, 3, 4].map((n) => backoffSeconds(n, 30, 3600))).toEqual([30, 60, 120, 240]);
    expect(backoffSeconds(10, 30, 3600)).toBe(3600);
    expect(backoffSeconds(30, 60, 100_000)).toBe(43_200);
  });

  it('finds the queue URL of a record from its ARN', () => {
    expect(queueUrlOfArn('arn:aws:sqs:eu-west-1:123456789012:Kontakt-facebook-leads')).toBe(
      'https://sqs.eu-west-1.amazonaws.com/123456789012/Kontakt-facebook-leads',
    );
  });
});

describe('retry backoff on a failed record', () => {
  /** The queue every record of `sqsEvent` comes from, as its URL. */
  const testQueueUrl = 'https://sqs.eu-west-1.amazonaws.com/000000000000/test';

  /** An SQS client that records every visibility change asked of it, and fails them when told to. */
  const recordingSqs = (options: { failChanges?: boolean } = {}) => {
    const client = new SQSClient({ region: 'eu-west-1' });
    const changes: ChangeMessageVisibilityCommandInput[] = [];
    mockClient(client)
      .on(ChangeMessageVisibilityCommand)
      .callsFake((input: ChangeMessageVisibilityCommandInput) => {
        changes.push(input);
        if (options.failChanges) throw new Error('ServiceUnavailable');
        return {};
      });
    return { client, changes };
  };

  it('keeps a failed record away for longer with each receive, and leaves the records that succeeded alone', async () => {
    const sqs = recordingSqs();
    const handler = sqsHandler(
      LeadReceivedV1,
      async (message) => {
        if (message.inboxEntryId.startsWith('bad')) throw new Error('Graph API down');
      },
      { backoff: { baseSeconds: 30, maxSeconds: 3600, sqs: () => sqs.client } },
    );

    const res = await handler(
      sqsEvent([
        { id: 'm1', body: lead('bad-first'), receiveCount: 1 },
        { id: 'm2', body: lead('ok') },
        { id: 'm3', body: lead('bad-third'), receiveCount: 3 },
        { id: 'm4', body: lead('bad-late'), receiveCount: 12 },
      ]),
      lambdaContext(),
    );

    expect(res.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['m1', 'm3', 'm4']);
    expect(sqs.changes.sort((a, b) => String(a.ReceiptHandle).localeCompare(String(b.ReceiptHandle)))).toEqual([
      { QueueUrl: testQueueUrl, ReceiptHandle: 'handle-m1', VisibilityTimeout: 30 },
      { QueueUrl: testQueueUrl, ReceiptHandle: 'handle-m3', VisibilityTimeout: 120 },
      { QueueUrl: testQueueUrl, ReceiptHandle: 'handle-m4', VisibilityTimeout: 3600 },
    ]);
  });

  it('still reports the record failed when its retry cannot be delayed', async () => {
    const sqs = recordingSqs({ failChanges: true });
    const handler = sqsHandler(
      LeadReceivedV1,
      async () => {
        throw new Error('Graph API down');
      },
      { backoff: { baseSeconds: 30, maxSeconds: 3600, sqs: () => sqs.client } },
    );

    const res = await handler(sqsEvent([{ id: 'm1', body: lead('bad'), receiveCount: 2 }]), lambdaContext());

    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
    expect(sqs.changes).toHaveLength(1);
  });
});
