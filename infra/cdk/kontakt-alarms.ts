// Alarms that reach someone: each on the stage's alarm topic (an address subscribed with alarmEmail),
// each naming its runbook entry in docs/runbooks.md, where the on-call engineer reads what it means
// and what to do.
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export type KontaktAlarmsProps = {
  /** an address that receives every alarm; without it, subscribe to the topic by other means */
  alarmEmail?: string | undefined;
};

/** The runbook entries (headings of docs/runbooks.md, as GitHub anchors them): each alarm names one. */
export const runbooks = {
  deadLetters: 'dead-letters',
  receiptFailures: 'failed-ses-receipts',
  streamFailures: 'failed-table-stream-records',
  scheduleFailures: 'failed-scheduled-runs',
  functionErrors: 'function-errors',
  errorLines: 'error-log-lines',
  functionThrottles: 'function-throttles',
  api5xx: 'api-5xx-answers',
  apiLatency: 'api-p99-latency',
  queueAge: 'queue-oldest-message-age',
  tableThrottles: 'dynamodb-throttles',
  sesBounces: 'ses-bounce-rate',
  sesComplaints: 'ses-complaint-rate',
} as const;

export type Runbook = (typeof runbooks)[keyof typeof runbooks];

export const runbookFile = 'docs/runbooks.md';

export type AlarmOptions = {
  threshold?: number;
  /** periods in a row before it fires */
  evaluationPeriods?: number;
  comparison?: ComparisonOperator;
};

export class KontaktAlarms extends Construct {
  readonly topic: Topic;
  readonly all: Alarm[] = [];
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: KontaktAlarmsProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', { displayName: 'Kontakt alarms', enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    this.action = new SnsAction(this.topic);
  }

  /** Any message in the queue is a message that needs a human (dead letters, failed receipts). */
  whenQueueNotEmpty(id: string, queue: IQueue, description: string, runbook: Runbook): Alarm {
    return this.alarm(
      id,
      queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      description,
      runbook,
    );
  }

  whenAnyError(id: string, metric: IMetric, description: string, runbook: Runbook): Alarm {
    return this.alarm(id, metric, description, runbook);
  }

  /** An alarm on the topic: at or above `threshold` (1 unless given) in one period (unless given). */
  alarm(id: string, metric: IMetric, description: string, runbook: Runbook, options: AlarmOptions = {}): Alarm {
    const alarm = new Alarm(this, id, {
      metric,
      threshold: options.threshold ?? 1,
      comparisonOperator: options.comparison ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      // An idle queue or function sends no data points; that is the healthy case.
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: `${description} Runbook: ${runbookFile}#${runbook}`,
    });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    this.all.push(alarm);
    return alarm;
  }
}
