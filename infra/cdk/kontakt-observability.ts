/**
 * What an ops team watches, per stage: alarms on the API (5xx answers, p99 latency), on each work
 * queue's oldest message, on DynamoDB's throttling and on SES's bounce and complaint rates (the
 * function, dead-letter and failure-queue alarms are the stack's, next to what they watch), and one
 * CloudWatch dashboard with the same figures and the business metrics the functions publish
 * (functions/shared/metrics.ts). Every alarm names its runbook entry (docs/runbooks.md).
 */
import { Duration } from 'aws-cdk-lib';
import {
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import { Operation, type Table } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { defaultSources } from '../../domain/inbox/inbox-entry.ts';
import { metricNames, metricsNamespaceOf } from '../../functions/shared/metrics.ts';
import { tableDefinition } from '../../functions/shared/table.ts';
import { consumerOf, type FunctionName, type QueueName } from '../manifest.ts';
import { type KontaktAlarms, runbooks } from './kontakt-alarms.ts';
import type { KontaktApi } from './kontakt-api.ts';
import type { KontaktFunction } from './kontakt-function.ts';
import type { KontaktQueues } from './kontakt-queues.ts';

/** An API answer slower than this at p99, three periods of five minutes in a row, is an alarm. */
export const apiP99LatencyMs = 3_000;
/** 5xx answers in five minutes: a single 503 during a dependency's hiccup is not worth a page. */
export const api5xxPerFiveMinutes = 5;
/**
 * SES reviews an account at a 5 % bounce or 0.1 % complaint rate and may pause its sending at
 * 10 % / 0.5 %; the alarms come before the review.
 */
export const sesBounceRateAlarm = 0.04;
export const sesComplaintRateAlarm = 0.0008;

/**
 * The age at which a queue's oldest message means its consumer is not keeping up: the time a
 * message that keeps failing would take through all its receives (then it is in the DLQ, whose
 * alarm speaks), at least 15 minutes, at most 4 hours.
 */
export const oldestMessageAlarmSeconds = (queue: QueueName): number => {
  const [, consumer] = consumerOf(queue);
  return (
    consumer.oldestMessageAlarmSeconds ??
    Math.min(Math.max(consumer.visibilityTimeoutSeconds * consumer.maxReceiveCount, 900), 4 * 3600)
  );
};

/** The operations whose throttling fails a request (a CloudWatch alarm's math takes ten metrics at most). */
const throttledOperations = [
  Operation.GET_ITEM,
  Operation.PUT_ITEM,
  Operation.UPDATE_ITEM,
  Operation.DELETE_ITEM,
  Operation.QUERY,
  Operation.SCAN,
  Operation.BATCH_GET_ITEM,
  Operation.BATCH_WRITE_ITEM,
  Operation.TRANSACT_WRITE_ITEMS,
  Operation.TRANSACT_GET_ITEMS,
];

export type KontaktObservabilityProps = {
  stage: string;
  alarms: KontaktAlarms;
  api: KontaktApi;
  table: Table;
  functions: ReadonlyMap<FunctionName, KontaktFunction>;
  queues: KontaktQueues;
};

export class KontaktObservability extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: KontaktObservabilityProps) {
    super(scope, id);
    const { alarms, api, table, functions, queues } = props;
    const fiveMinutes = Duration.minutes(5);

    const api5xx = api.stage.metricServerError({ period: fiveMinutes, statistic: 'Sum' });
    const apiP99 = api.stage.metricLatency({ period: fiveMinutes, statistic: 'p99' });
    alarms.alarm(
      'api-5xx',
      api5xx,
      `The API answered ${api5xxPerFiveMinutes} or more 5xx in five minutes.`,
      runbooks.api5xx,
      { threshold: api5xxPerFiveMinutes },
    );
    alarms.alarm(
      'api-p99-latency',
      apiP99,
      `The API's p99 latency was above ${apiP99LatencyMs} ms for 15 minutes.`,
      runbooks.apiLatency,
      { threshold: apiP99LatencyMs, evaluationPeriods: 3, comparison: ComparisonOperator.GREATER_THAN_THRESHOLD },
    );

    const oldest: IMetric[] = [];
    for (const [name, { queue }] of queues.work) {
      const seconds = oldestMessageAlarmSeconds(name);
      const metric = queue.metricApproximateAgeOfOldestMessage({ period: fiveMinutes, statistic: 'Maximum' });
      oldest.push(metric);
      alarms.alarm(
        `${name}-oldest-message`,
        metric,
        `The oldest message on ${name} is older than ${seconds} s: its consumer is not keeping up, or not running.`,
        runbooks.queueAge,
        { threshold: seconds, comparison: ComparisonOperator.GREATER_THAN_THRESHOLD },
      );
    }

    // DynamoDB publishes throttling only when it throttles: each series filled with 0, then summed
    // (a plain `a + b` has a point only where every series has one, and would almost never fire)
    const summed = (label: string, metrics: Record<string, IMetric>) =>
      new MathExpression({
        label,
        expression: `SUM([${Object.keys(metrics)
          .map((id) => `FILL(${id}, 0)`)
          .join(', ')}])`,
        period: fiveMinutes,
        usingMetrics: metrics,
      });
    const dynamo = (metricName: string, dimensions: Record<string, string>) =>
      new Metric({
        namespace: 'AWS/DynamoDB',
        metricName,
        dimensionsMap: { TableName: table.tableName, ...dimensions },
        period: fiveMinutes,
        statistic: 'Sum',
      });
    const throttledRequests = summed(
      'throttled requests',
      Object.fromEntries(
        throttledOperations.map((operation, i) => [`o${i}`, dynamo('ThrottledRequests', { Operation: operation })]),
      ),
    );
    const indexNames = Object.values(tableDefinition.indexes).map((index) => index.name);
    const indexThrottles = summed('throttle events (table and indexes)', {
      r: dynamo('ReadThrottleEvents', {}),
      w: dynamo('WriteThrottleEvents', {}),
      // the indexes' writes (every intake write feeds them) and reads (the lists)
      ...Object.fromEntries(
        indexNames.flatMap((name, i) => [
          [`gw${i}`, dynamo('WriteThrottleEvents', { GlobalSecondaryIndexName: name })],
          [`gr${i}`, dynamo('ReadThrottleEvents', { GlobalSecondaryIndexName: name })],
        ]),
      ),
    });
    alarms.alarm(
      'table-throttled-requests',
      throttledRequests,
      'DynamoDB throttled requests of the table: a request failed, or was retried, for lack of capacity.',
      runbooks.tableThrottles,
    );
    alarms.alarm(
      'table-throttle-events',
      indexThrottles,
      'DynamoDB throttled reads or writes of the table or one of its indexes (a throttled index fails the whole transaction).',
      runbooks.tableThrottles,
    );

    // account-wide, in this region: the reputation that decides whether SES keeps sending for us
    const sesRate = (metricName: string) =>
      new Metric({ namespace: 'AWS/SES', metricName, period: Duration.hours(1), statistic: 'Maximum' });
    const bounces = sesRate('Reputation.BounceRate');
    const complaints = sesRate('Reputation.ComplaintRate');
    alarms.alarm(
      'ses-bounce-rate',
      bounces,
      `SES's bounce rate for the account reached ${sesBounceRateAlarm * 100} % (AWS reviews it at 5 %).`,
      runbooks.sesBounces,
      { threshold: sesBounceRateAlarm },
    );
    alarms.alarm(
      'ses-complaint-rate',
      complaints,
      `SES's complaint rate for the account reached ${sesComplaintRateAlarm * 100} % (AWS reviews it at 0.1 %).`,
      runbooks.sesComplaints,
      { threshold: sesComplaintRateAlarm },
    );

    const metricsNamespace = metricsNamespaceOf(props.stage);
    const business = (name: string, label: string, dimensions: Record<string, string> = {}) =>
      new Metric({
        namespace: metricsNamespace,
        metricName: name,
        dimensionsMap: { service: 'kontakt', ...dimensions },
        period: fiveMinutes,
        statistic: 'Sum',
        label,
      });
    const functionList = [...functions.entries()];
    const width = 12;
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `Kontakt-${props.stage}`,
      defaultInterval: Duration.hours(6),
      widgets: [
        [
          new TextWidget({
            markdown: `# Kontakt ${props.stage}\nAlarms and what to do: \`docs/runbooks.md\`. Business figures are the functions' own (namespace ${metricsNamespace}).`,
            width: 24,
            height: 2,
          }),
        ],
        [
          new GraphWidget({
            title: 'Leads accepted, by channel',
            width,
            left: defaultSources.map((channel) => business(metricNames.leadsAccepted, channel, { channel })),
          }),
          new GraphWidget({
            title: 'Duplicate checks, by outcome; mails and tickets',
            width,
            left: ['none', 'possible', 'match'].map((outcome) =>
              business(metricNames.duplicateChecks, `checks: ${outcome}`, { outcome }),
            ),
            right: [
              business(metricNames.mailsLinked, 'mails linked'),
              business(metricNames.mailsQuarantined, 'mails quarantined'),
              business(metricNames.ticketsOpened, 'tickets opened (API)', { via: 'api' }),
              business(metricNames.ticketsOpened, 'tickets opened (mail)', { via: 'email' }),
            ],
          }),
        ],
        [
          new GraphWidget({
            title: 'API: requests, 5xx, p99 latency',
            width,
            left: [api.stage.metricCount({ period: fiveMinutes, statistic: 'Sum' }), api5xx],
            right: [apiP99],
          }),
          new GraphWidget({ title: 'Queues: age of the oldest message (s)', width, left: oldest }),
        ],
        [
          new GraphWidget({
            title: 'Function errors',
            width,
            left: functionList.map(([name, fn]) =>
              fn.fn.metricErrors({ period: fiveMinutes, statistic: 'Sum', label: name }),
            ),
          }),
          new GraphWidget({
            title: 'Function throttles',
            width,
            left: functionList.map(([name, fn]) =>
              fn.fn.metricThrottles({ period: fiveMinutes, statistic: 'Sum', label: name }),
            ),
          }),
        ],
        [
          new GraphWidget({
            title: 'DynamoDB: consumed capacity and throttling',
            width,
            left: [
              table.metricConsumedWriteCapacityUnits({ period: fiveMinutes, statistic: 'Sum' }),
              table.metricConsumedReadCapacityUnits({ period: fiveMinutes, statistic: 'Sum' }),
            ],
            right: [throttledRequests, indexThrottles],
          }),
          new GraphWidget({
            title: 'SES reputation (account, this region)',
            width,
            left: [bounces, complaints],
          }),
        ],
      ],
    });
  }
}
