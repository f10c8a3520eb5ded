import { describe, expect, it } from 'vitest';
import { LeadReceivedV1 } from '../../../events/index.ts';
import { sqsHandler } from '../../../functions/shared/sqs.ts';
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
});
