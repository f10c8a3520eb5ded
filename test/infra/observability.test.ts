// What an ops team watches: an alarm on every function's errors and throttles, the API's 5xx and
// p99 latency, each queue's oldest message, DynamoDB's throttling and SES's reputation — each on the
// alarm topic and naming a runbook entry that exists — and one dashboard per stage.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { runbookFile, runbooks } from '../../infra/cdk/kontakt-alarms.ts';
import { oldestMessageAlarmSeconds } from '../../infra/cdk/kontakt-observability.ts';
import type { KontaktStack } from '../../infra/cdk/kontakt-stack.ts';
import { functionEntries, queueNames } from '../../infra/manifest.ts';
import { buildTestApp, logicalIdOf, ref } from './synth-kontakt.ts';

let stack: KontaktStack;
let template: Template;

beforeAll(() => {
  stack = buildTestApp({}, { nag: false }).stack;
  template = Template.fromStack(stack);
});

type AlarmResource = {
  Properties: {
    AlarmDescription: string;
    MetricName?: string;
    Namespace?: string;
    Dimensions?: { Name: string; Value: unknown }[];
    Threshold: number;
    AlarmActions: unknown[];
    Metrics?: unknown[];
  };
};
const alarms = (): AlarmResource[] =>
  Object.values(template.findResources('AWS::CloudWatch::Alarm')) as AlarmResource[];

/** GitHub's anchor of a Markdown heading: lower case, spaces to dashes, punctuation dropped. */
const anchorOf = (heading: string): string =>
  heading
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .trim()
    .replace(/ /g, '-');

describe('alarms', () => {
  it('each go to the alarm topic and name a runbook entry that exists in docs/runbooks.md', () => {
    const doc = readFileSync(join(import.meta.dirname, '..', '..', runbookFile), 'utf8');
    const anchors = new Set([...doc.matchAll(/^## (.+)$/gm)].map(([, heading]) => anchorOf(heading ?? '')));
    expect(alarms().length).toBeGreaterThan(2 * functionEntries().length);
    for (const alarm of alarms()) {
      expect(alarm.Properties.AlarmActions).toEqual([ref(stack.alarms.topic)]);
      const named = /Runbook: docs\/runbooks\.md#([a-z0-9-]+)$/.exec(alarm.Properties.AlarmDescription)?.[1];
      expect(named, alarm.Properties.AlarmDescription).toBeDefined();
      expect(anchors, `${named} is no heading of ${runbookFile}`).toContain(named);
    }
    // and every runbook entry is some alarm's
    const named = new Set(alarms().map((a) => /#([a-z0-9-]+)$/.exec(a.Properties.AlarmDescription)?.[1]));
    expect(new Set(Object.values(runbooks))).toEqual(named);
  });

  it('watch every function’s errors and throttles', () => {
    for (const [name] of functionEntries()) {
      const fn = stack.functions.get(name)?.fn;
      if (!fn) throw new Error(`no function ${name}`);
      for (const metric of ['Errors', 'Throttles']) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/Lambda',
          MetricName: metric,
          Dimensions: [{ Name: 'FunctionName', Value: ref(fn) }],
          Threshold: 1,
        });
      }
    }
  });

  it('count every function’s ERROR log lines (a 500 answered, a last receive), which Lambda counts as no error', () => {
    for (const [name] of functionEntries()) {
      const logGroup = stack.functions.get(name)?.logGroup;
      if (!logGroup) throw new Error(`no function ${name}`);
      template.hasResourceProperties('AWS::Logs::MetricFilter', {
        LogGroupName: ref(logGroup),
        FilterPattern: '{ $.level = "ERROR" }',
        MetricTransformations: [
          { MetricNamespace: 'Kontakt-test/Logs', MetricName: `${name}-error-lines`, MetricValue: '1' },
        ],
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'Kontakt-test/Logs',
        MetricName: `${name}-error-lines`,
        Threshold: 1,
      });
    }
  });

  it('watch the API’s 5xx answers and its p99 latency', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Statistic: 'Sum',
      Threshold: 5,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: 'Latency',
      ExtendedStatistic: 'p99',
      Threshold: 3000,
      EvaluationPeriods: 3,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('watch the age of each work queue’s oldest message against its consumer’s retry window', () => {
    for (const name of queueNames) {
      const queue = stack.queues.work.get(name)?.queue;
      if (!queue) throw new Error(`no queue ${name}`);
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateAgeOfOldestMessage',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdOf(queue), 'QueueName'] } }],
        Threshold: oldestMessageAlarmSeconds(name),
      });
      expect(oldestMessageAlarmSeconds(name)).toBeGreaterThanOrEqual(900);
    }
  });

  it('watch DynamoDB’s throttling of the table and its indexes, and SES’s bounce and complaint rates', () => {
    const described = (text: string) => alarms().filter((a) => a.Properties.AlarmDescription.includes(text));
    const requests = described('DynamoDB throttled requests')[0]?.Properties.Metrics as
      | { Expression?: string; MetricStat?: unknown }[]
      | undefined;
    // ten operations, each filled with 0 where DynamoDB published nothing, summed: the alarm can fire
    expect(requests?.filter((m) => m.MetricStat).length).toBe(10);
    expect(requests?.find((m) => m.Expression)?.Expression).toMatch(/^SUM\(\[FILL\(o0, 0\), .*FILL\(o9, 0\)\]\)$/);
    const events = described('or one of its indexes')[0]?.Properties.Metrics as { Expression?: string }[] | undefined;
    expect(JSON.stringify(events)).toContain('GlobalSecondaryIndexName');
    expect(events?.find((m) => m.Expression)?.Expression).toContain('FILL(gw0, 0)');
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SES',
      MetricName: 'Reputation.BounceRate',
      Threshold: 0.04,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SES',
      MetricName: 'Reputation.ComplaintRate',
      Threshold: 0.0008,
    });
  });
});

describe('the dashboard', () => {
  it('is one per stage, with the business figures next to the API, queues, functions, table and SES', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'Kontakt-test' });
    const body = JSON.stringify(
      (
        Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0] as {
          Properties: { DashboardBody: unknown };
        }
      ).Properties.DashboardBody,
    );
    for (const title of [
      'Leads accepted, by channel',
      'Duplicate checks, by outcome',
      'API: requests, 5xx, p99 latency',
      'Queues: age of the oldest message',
      'Function errors',
      'Function throttles',
      'DynamoDB: consumed capacity and throttling',
      'SES reputation',
    ]) {
      expect(body).toContain(title);
    }
    expect(body).toContain('LeadsAccepted');
    // the stage's own namespace, as its functions write it (POWERTOOLS_METRICS_NAMESPACE)
    expect(body).toMatch(/Kontakt-test[\\"]+,[\\"]+LeadsAccepted/);
  });
});
