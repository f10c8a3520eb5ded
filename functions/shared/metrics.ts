/**
 * Business metrics as CloudWatch embedded metric format (Powertools Metrics): one JSON line on
 * stdout per data point, which CloudWatch Logs turns into a metric — no API call, nothing to flush
 * at the end of an invocation. Namespace `Kontakt-<stage>`, dimension `service` and, where it tells, the
 * channel or outcome (the stage's dashboard graphs them, infra/cdk/kontakt-observability.ts).
 * Dimensions are names of kinds, never personal data.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * A stage's own namespace (`Kontakt-<stage>`, POWERTOOLS_METRICS_NAMESPACE from the stack), so stages
 * sharing an account keep their figures apart; `Kontakt` where no stage is set (locally).
 */
export const metricsNamespaceOf = (stage: string): string => `Kontakt-${stage}`;

export const metricNames = {
  /** a lead stored in the inbox, by channel (`channel`: the entry's source) */
  leadsAccepted: 'LeadsAccepted',
  /** a duplicate check done, by its outcome (`outcome`: none, possible, match) */
  duplicateChecks: 'DuplicateChecks',
  mailsLinked: 'MailsLinked',
  mailsQuarantined: 'MailsQuarantined',
  ticketsOpened: 'TicketsOpened',
} as const;

export type MetricName = (typeof metricNames)[keyof typeof metricNames];

const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Kontakt',
  serviceName: 'kontakt',
});

/** Counts `count` of something now, with these dimensions. A metric that cannot be written never fails the work. */
export const countMetric = (name: MetricName, count = 1, dimensions: Record<string, string> = {}): void => {
  if (count <= 0) return;
  try {
    const single = metrics.singleMetric();
    for (const [dimension, value] of Object.entries(dimensions)) single.addDimension(dimension, value);
    single.addMetric(name, MetricUnit.Count, count);
  } catch {
    // a metric is worth less than the lead it counts
  }
};
