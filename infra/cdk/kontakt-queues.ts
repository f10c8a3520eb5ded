// The work queues of the manifest, each with its dead-letter queue, and the queue that catches failed SES receipts.
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  consumerOf,
  dlqName,
  functionSpec,
  type QueueName,
  queueNames,
  scheduleFailureQueue,
  sesReceiptFailureQueue,
  streamFailureQueue,
} from '../manifest.ts';

/** SQS keeps messages at most 14 days; a dead letter should wait as long as it can for a human. */
const deadLetterRetention = Duration.days(14);

/**
 * Lambda's SQS poller needs a visibility timeout of at least six times the function timeout, or a
 * record still being retried becomes visible again and runs twice at once.
 */
const minVisibilityFactor = 6;
/** Fewer receives send a message to the DLQ after one throttled batch, not after a real failure. */
const minMaxReceiveCount = 5;

export type WorkQueue = { queue: Queue; dlq: Queue };

export class KontaktQueues extends Construct {
  readonly work: ReadonlyMap<QueueName, WorkQueue>;
  /** the on-failure destination of the SES receipt function: a mail whose receipt failed waits here */
  readonly sesReceiptFailures: Queue;
  /** the on-failure destination of the table stream's consumer: a change it keeps failing on waits here */
  readonly streamFailures: Queue;
  /** the on-failure destination of the scheduled functions: a run that failed (after two retries) waits here */
  readonly scheduleFailures: Queue;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const work = new Map<QueueName, WorkQueue>();
    for (const name of queueNames) {
      const [consumerName, consumer] = consumerOf(name);
      const consumerTimeout = functionSpec(consumerName).timeoutSeconds;
      assertSafeRedrive(name, consumer.visibilityTimeoutSeconds, consumerTimeout, consumer.maxReceiveCount);

      const dlq = this.safeQueue(dlqName(name), deadLetterRetention);
      const queue = new Queue(this, name, {
        queueName: this.physicalName(name),
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        visibilityTimeout: Duration.seconds(consumer.visibilityTimeoutSeconds),
        deadLetterQueue: { queue: dlq, maxReceiveCount: consumer.maxReceiveCount },
      });
      work.set(name, { queue, dlq });
    }
    this.work = work;

    this.sesReceiptFailures = this.safeQueue(sesReceiptFailureQueue, deadLetterRetention);
    Validations.of(this.sesReceiptFailures).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'The on-failure destination of the SES receipt function acts as its dead-letter queue; an alarm watches it.',
    });
    this.streamFailures = this.safeQueue(streamFailureQueue, deadLetterRetention);
    Validations.of(this.streamFailures).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'The on-failure destination of the table stream consumer acts as its dead-letter queue; an alarm watches it.',
    });
    this.scheduleFailures = this.safeQueue(scheduleFailureQueue, deadLetterRetention);
    Validations.of(this.scheduleFailures).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'The on-failure destination of the scheduled functions acts as their dead-letter queue; an alarm watches it.',
    });
  }

  queue(name: QueueName): Queue {
    const found = this.work.get(name);
    if (!found) throw new Error(`queue ${name} is not in the manifest's queueNames`);
    return found.queue;
  }

  private safeQueue(name: string, retentionPeriod: Duration): Queue {
    return new Queue(this, name, {
      queueName: this.physicalName(name),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod,
    });
  }

  /** Named after the manifest so the redrive command and the console speak the same names as the local stack. */
  private physicalName(name: string): string {
    return `${Stack.of(this).stackName}-${name}`;
  }
}

export const assertSafeRedrive = (
  queue: string,
  visibilityTimeoutSeconds: number,
  consumerTimeoutSeconds: number,
  maxReceiveCount: number,
): void => {
  const minVisibility = minVisibilityFactor * consumerTimeoutSeconds;
  if (visibilityTimeoutSeconds < minVisibility) {
    throw new Error(
      `queue ${queue}: visibility timeout ${visibilityTimeoutSeconds}s is below ${minVisibilityFactor}× its consumer's timeout (${minVisibility}s); raise visibilityTimeoutSeconds in its consumer's module (functions/<noun>/<noun>.module.ts)`,
    );
  }
  if (maxReceiveCount < minMaxReceiveCount) {
    throw new Error(
      `queue ${queue}: maxReceiveCount ${maxReceiveCount} is below ${minMaxReceiveCount}; raise it in its consumer's module (functions/<noun>/<noun>.module.ts)`,
    );
  }
};
