/**
 * Redrives `ses-receipt-failures`: each message there is Lambda's on-failure record of an SES
 * receipt whose function kept failing (`requestPayload` is SES's original event); the receipt
 * function is invoked again with that event, and the record deleted only once the invocation
 * succeeded. The receipt function is idempotent (the email worker keys each mail by its SES message
 * id), so a crash mid-way repeats at worst, never loses a mail.
 */
import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** Invokes the receipt function with an event; resolves to null on success, else the error's text. */
export type ReceiptInvoker = (event: unknown, functionArn: string | null) => Promise<string | null>;

export type ReceiptRedriveResult = { reinvoked: number; failed: number; errors: string[] };

type FailureRecord = { requestPayload?: unknown; requestContext?: { functionArn?: unknown } };

export const redriveReceipts = async (
  sqs: SQSClient,
  queueUrl: string,
  invoke: ReceiptInvoker,
  options: { maxMessages?: number } = {},
): Promise<ReceiptRedriveResult> => {
  const limit = options.maxMessages ?? Number.POSITIVE_INFINITY;
  const result: ReceiptRedriveResult = { reinvoked: 0, failed: 0, errors: [] };
  // a record that failed again stays invisible for the visibility timeout, so one run meets it once
  while (result.reinvoked + result.failed < limit) {
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        VisibilityTimeout: 300,
      }),
    );
    const messages = received.Messages ?? [];
    if (messages.length === 0) break;
    for (const message of messages) {
      let record: FailureRecord;
      try {
        record = JSON.parse(message.Body ?? '') as FailureRecord;
      } catch {
        record = {};
      }
      if (record.requestPayload === undefined) {
        result.failed += 1;
        result.errors.push(`message ${message.MessageId}: not an on-failure record (no requestPayload)`);
        continue;
      }
      const arn = typeof record.requestContext?.functionArn === 'string' ? record.requestContext.functionArn : null;
      const error = await invoke(record.requestPayload, arn);
      if (error !== null) {
        result.failed += 1;
        result.errors.push(`message ${message.MessageId}: ${error}`);
        continue;
      }
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle ?? '' }));
      result.reinvoked += 1;
    }
  }
  return result;
};
