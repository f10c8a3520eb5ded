import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SESEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { redriveQueue } from '../../infra/scripts/redrive-queue.ts';
import { redriveReceipts } from '../../infra/scripts/redrive-receipts.ts';
import { queueUrl, sqsClient } from '../support/aws.ts';
import { lambdaContext } from '../support/events.ts';

const sqs = sqsClient();

const visibleCount = async (url: string): Promise<number> => {
  const res = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return Number(res.Attributes?.ApproximateNumberOfMessages ?? '0');
};

describe('redrive', () => {
  it('moves every message of a DLQ back to its source queue, bodies intact', async () => {
    const dlq = queueUrl('inbound-email-dlq');
    const source = queueUrl('inbound-email');
    const bodies = Array.from({ length: 13 }, (_, i) => JSON.stringify({ redrive: i }));
    for (const body of bodies) await sqs.send(new SendMessageCommand({ QueueUrl: dlq, MessageBody: body }));

    const result = await redriveQueue(sqs, { dlq, source });
    const received: string[] = [];
    for (let i = 0; i < 5 && received.length < bodies.length; i += 1) {
      const res = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: source, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      received.push(...(res.Messages ?? []).map((m) => m.Body ?? '').filter((b) => b.includes('redrive')));
    }

    expect(result).toEqual({ moved: 13, failed: 0 });
    expect(received.sort()).toEqual([...bodies].sort());
    expect(await visibleCount(dlq)).toBe(0);
  });
});

describe('redriving failed SES receipts', () => {
  const sesEvent = (messageId: string, recipients: string[]) => ({
    Records: [
      {
        eventSource: 'aws:ses',
        eventVersion: '1.0',
        ses: {
          mail: {
            timestamp: '2026-12-02T09:00:00.000Z',
            source: 'anna@example.com',
            messageId,
            destination: recipients,
            headersTruncated: false,
            headers: [],
            commonHeaders: { returnPath: 'anna@example.com', date: 'x', messageId: '<m@x>', to: recipients },
          },
          receipt: {
            timestamp: '2026-12-02T09:00:01.000Z',
            processingTimeMillis: 10,
            recipients,
            spamVerdict: { status: 'PASS' },
            virusVerdict: { status: 'PASS' },
            spfVerdict: { status: 'PASS' },
            dkimVerdict: { status: 'PASS' },
            dmarcVerdict: { status: 'PASS' },
            action: { type: 'Lambda', functionArn: 'arn', invocationType: 'Event' },
          },
        },
      },
    ],
  });
  /** Lambda's on-failure record of an asynchronous invocation, as the destination queue receives it. */
  const failureRecord = (event: unknown) =>
    JSON.stringify({
      version: '1.0',
      timestamp: '2026-12-02T09:00:05.000Z',
      requestContext: {
        requestId: 'r1',
        functionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:Kontakt-prod-sesreceipt:$LATEST',
        condition: 'RetriesExhausted',
        approximateInvokeCount: 3,
      },
      requestPayload: event,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorMessage: 'the queue was down' },
    });

  it('invokes the receipt function again with each record’s original event, and keeps what fails again', async () => {
    const failures = queueUrl('ses-receipt-failures');
    const inbound = queueUrl('inbound-email');
    const ids = ['redrive-receipt-1', 'redrive-receipt-2'];
    for (const id of ids) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: failures,
          MessageBody: failureRecord(sesEvent(id, ['bcc@crm.example.com'])),
        }),
      );
    }
    await sqs.send(new SendMessageCommand({ QueueUrl: failures, MessageBody: '{"not":"a record"}' }));

    // the receipt function itself, in this process, against the emulator's inbound-email queue
    Object.assign(process.env, { QUEUE_URL_INBOUND_EMAIL: inbound, MAIL_DOMAIN: 'crm.example.com' });
    const { handler } = await import('../../functions/emails/ses-receipt.handler.ts');
    const invoked: (string | null)[] = [];
    const result = await redriveReceipts(sqs, failures, async (event, functionArn) => {
      invoked.push(functionArn);
      try {
        await handler(event as SESEvent, lambdaContext());
        return null;
      } catch (error) {
        return String(error);
      }
    });

    expect(result).toMatchObject({ reinvoked: 2, failed: 1 });
    expect(result.errors).toEqual([expect.stringContaining('not an on-failure record')]);
    expect(invoked).toEqual([expect.stringContaining('function:Kontakt-prod-sesreceipt'), expect.anything()]);
    const enqueued: string[] = [];
    const correlated: string[] = [];
    for (let i = 0; i < 5 && enqueued.length < 2; i += 1) {
      const res = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: inbound,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          MessageAttributeNames: ['All'],
        }),
      );
      const ours = (res.Messages ?? []).filter((m) => ids.includes(JSON.parse(m.Body ?? '{}').sesMessageId as string));
      enqueued.push(...ours.map((m) => JSON.parse(m.Body ?? '{}').sesMessageId as string));
      // a received mail's correlation id is its SES message id, carried on to the email worker
      correlated.push(...ours.map((m) => m.MessageAttributes?.correlationId?.StringValue ?? 'none'));
    }
    expect(enqueued.sort()).toEqual(ids);
    expect(correlated.sort()).toEqual(ids);
  });
});
