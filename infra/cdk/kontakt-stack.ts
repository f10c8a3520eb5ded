// The whole of Kontakt in one stack, in the SES receiving region, driven entirely by infra/manifest.ts.
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { FilterPattern, MetricFilter } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { defaultMailRetention, type MailRetention } from '../../domain/emails/mail-retention.ts';
import { tableDefinition } from '../../functions/shared/table.ts';
import {
  dlqName,
  type FunctionName,
  functionEntries,
  functionSpec,
  queueNames,
  scheduleFailureQueue,
  sesReceiptFailureQueue,
  streamFailureQueue,
} from '../manifest.ts';
import { KontaktAlarms, runbooks } from './kontakt-alarms.ts';
import { KontaktApi } from './kontakt-api.ts';
import { KontaktAuth } from './kontakt-auth.ts';
import { type EdgeSettings, KontaktEdge } from './kontakt-edge.ts';
import type { LogLevelName } from './kontakt-function.ts';
import { KontaktFunction } from './kontakt-function.ts';
import { MailIdentity, MailReceiving, MailStorage } from './kontakt-mail.ts';
import { KontaktObservability } from './kontakt-observability.ts';
import { KontaktQueues } from './kontakt-queues.ts';
import { createTable, indexLayout } from './kontakt-table.ts';

export type KontaktStackProps = StackProps & {
  /** the stage (dev, prod, …): stages deploy side by side, each with its own names and settings */
  stage: string;
  /** the domain Smart BCC receives for, e.g. `crm.example.com` */
  mailDomain: string;
  /** keep the table and the user pool when the stack is deleted (deletion protection on the table) */
  retainData: boolean;
  /** the mail domain is an SES identity of the account already (not the stack's to create) */
  existingMailIdentity?: boolean | undefined;
  /** SES has verified the mail domain (DKIM records in DNS): Cognito then sends through it */
  mailDomainVerified?: boolean | undefined;
  /** the stage's edge (CloudFront and WAF before the web-form routes), its web ACL from the us-east-1 edge stack */
  edge?: { settings: EdgeSettings; webAclArn: string; certificate: ICertificate | undefined } | undefined;
  /** the functions' log level (default INFO; DEBUG logs ids and routes, never personal data) */
  logLevel?: LogLevelName | undefined;
  /** activate the stack's own receipt rule set when the region has none active (default true) */
  activateRuleSet?: boolean | undefined;
  /** browser origins (https://…) whose clients may call the user routes; none: no browser client */
  allowedOrigins?: readonly string[] | undefined;
  /** how long received mail is kept by its status (default: linked 6 years, unlinked 180 days, quarantined 30) */
  mailRetention?: MailRetention | undefined;
  /** where Cognito's hosted sign-in may return to; none: its OAuth flows are off */
  oauthCallbackUrls?: readonly string[] | undefined;
  /** the table's warm throughput, so a campaign's first minutes do not wait for on-demand to scale */
  warmWriteUnitsPerSecond?: number | undefined;
  warmReadUnitsPerSecond?: number | undefined;
  /** the region's active receipt rule set, when the account already has one */
  existingRuleSetName?: string | undefined;
  alarmEmail?: string | undefined;
  /** name of the SSM SecureString with the Facebook configuration (default /kontakt/facebook) */
  facebookConfigParameter?: string | undefined;
  /** name of the SSM SecureString with the key that signs per-record mail addresses (default /kontakt/record-address-key) */
  recordAddressKeyParameter?: string | undefined;
  /** a deploy step of the move to the lean indexes (kontakt-table.ts `indexLayout`); none once moved */
  indexMigrationStep?: number | undefined;
};

/** The SES receipt function retries a failed receipt twice before it lands in the failure queue. */
const sesReceiptRetries = 2;
/** A scheduled run is retried twice as well before it lands in schedule-failures. */
const scheduledRetries = 2;
/** Instances of a queue's poller at most, unless its consumer says otherwise. */
const defaultPollerConcurrency = 10;

export class KontaktStack extends Stack {
  readonly table: Table;
  readonly queues: KontaktQueues;
  readonly mail: MailStorage;
  readonly functions: ReadonlyMap<FunctionName, KontaktFunction>;
  readonly alarms: KontaktAlarms;
  readonly auth: KontaktAuth;
  readonly api: KontaktApi;
  readonly receiving: MailReceiving;
  readonly edge: KontaktEdge | undefined;
  readonly observability: KontaktObservability;

  constructor(scope: Construct, id: string, props: KontaktStackProps) {
    super(scope, id, props);

    const tableIndexes = indexLayout(props.indexMigrationStep);
    const table = createTable(this, 'Table', tableIndexes, {
      retain: props.retainData,
      warmWriteUnitsPerSecond: props.warmWriteUnitsPerSecond,
      warmReadUnitsPerSecond: props.warmReadUnitsPerSecond,
    });
    const queues = new KontaktQueues(this, 'Queues');
    const mailRetention = props.mailRetention ?? defaultMailRetention;
    const mail = new MailStorage(this, 'Mail', { retention: mailRetention });
    const alarms = new KontaktAlarms(this, 'Alarms', { alarmEmail: props.alarmEmail });

    const functions = new Map<FunctionName, KontaktFunction>();
    const handlers = new Map<FunctionName, IFunction>();
    let sesReceiptFunction: IFunction | undefined;
    for (const [name, spec] of functionEntries()) {
      const kontaktFunction = new KontaktFunction(this, name, {
        name,
        spec,
        resources: {
          table,
          mailBucket: mail.bucket,
          queue: (q) => queues.queue(q),
          mailDomain: props.mailDomain,
          facebookConfigParameter: props.facebookConfigParameter ?? `/kontakt/${props.stage}/facebook`,
          recordAddressKeyParameter: props.recordAddressKeyParameter ?? `/kontakt/${props.stage}/record-address-key`,
          tableIndexes: tableIndexes.reads,
          allowedOrigins: props.allowedOrigins,
          mailRetention,
          logLevel: props.logLevel,
          stage: props.stage,
        },
      });
      const { fn } = kontaktFunction;
      functions.set(name, kontaktFunction);
      handlers.set(name, fn);

      if (spec.consumes) {
        fn.addEventSource(
          new SqsEventSource(queues.queue(spec.consumes.queue), {
            batchSize: spec.consumes.batchSize,
            reportBatchItemFailures: true,
            maxConcurrency: spec.consumes.maxConcurrency ?? defaultPollerConcurrency,
          }),
        );
      }
      if (spec.consumesStream) {
        const stream = spec.consumesStream;
        fn.addEventSource(
          new DynamoEventSource(table, {
            startingPosition: StartingPosition.TRIM_HORIZON,
            batchSize: stream.batchSize,
            retryAttempts: stream.maxRetries,
            bisectBatchOnError: true,
            reportBatchItemFailures: true,
            onFailure: new SqsDlq(queues.streamFailures),
            // only the named record items invoke the function (and are billed)
            filters: [
              FilterCriteria.filter({
                dynamodb: { Keys: { [tableDefinition.sortKey]: { S: FilterRule.or(...stream.records) } } },
              }),
            ],
          }),
        );
      }
      if (spec.scheduleMinutes !== undefined) {
        const schedule = Schedule.rate(Duration.minutes(spec.scheduleMinutes));
        new Rule(this, `${name}-schedule`, {
          description: `Runs ${name} on ${schedule.expressionString}`,
          schedule,
          targets: [new LambdaFunction(fn)],
        });
        // EventBridge invokes asynchronously: a run that keeps failing lands in schedule-failures
        // (with the schedule's event), and its errors raise an alarm; the next run comes anyway
        fn.configureAsyncInvoke({
          retryAttempts: scheduledRetries,
          onFailure: new SqsDestination(queues.scheduleFailures),
        });
      }
      if (spec.sesReceipt) {
        if (sesReceiptFunction) throw new Error('the manifest names more than one sesReceipt function');
        sesReceiptFunction = fn;
        // SES invokes asynchronously: without an on-failure destination a failed receipt loses the mail.
        fn.configureAsyncInvoke({
          retryAttempts: sesReceiptRetries,
          onFailure: new SqsDestination(queues.sesReceiptFailures),
        });
      }
      // every function's errors and throttles (docs/runbooks.md)
      alarms.whenAnyError(
        `${name}-errors`,
        fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        spec.sesReceipt
          ? `The SES receipt function ${name} failed; after ${sesReceiptRetries} retries the receipt lands in ${sesReceiptFailureQueue}.`
          : spec.scheduleMinutes !== undefined
            ? `The scheduled function ${name} failed; after ${scheduledRetries} retries its run lands in ${scheduleFailureQueue}, and the next run comes on schedule.`
            : `The function ${name} failed as Lambda counts it (a crash, a timeout, a batch that failed whole).`,
        runbooks.functionErrors,
      );
      // a 500 the error middleware answered, a message on its last receive, a failed job: the
      // function logs an ERROR line, which Lambda does not count as an error
      const errorLines = new MetricFilter(this, `${name}ErrorLines`, {
        logGroup: kontaktFunction.logGroup,
        filterPattern: FilterPattern.stringValue('$.level', '=', 'ERROR'),
        metricNamespace: `Kontakt-${props.stage}/Logs`,
        metricName: `${name}-error-lines`,
        metricValue: '1',
      });
      alarms.alarm(
        `${name}-error-lines`,
        errorLines.metric({ period: Duration.minutes(5), statistic: 'Sum' }),
        `${name} logged an ERROR line (a request answered 500, a message on its last receive, a job that failed).`,
        runbooks.errorLines,
      );
      alarms.alarm(
        `${name}-throttles`,
        fn.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
        `Lambda throttled ${name}: the account's or the function's concurrency is used up.`,
        runbooks.functionThrottles,
      );
    }
    if (!sesReceiptFunction) throw new Error('the manifest names no sesReceipt function');

    for (const name of queueNames) {
      const { dlq } = queues.work.get(name) ?? {};
      if (!dlq) throw new Error(`queue ${name} has no dead-letter queue`);
      alarms.whenQueueNotEmpty(
        dlqName(name),
        dlq,
        `Messages from ${name} failed repeatedly and wait in ${dlqName(name)}; fix the cause, then run npm run redrive.`,
        runbooks.deadLetters,
      );
    }
    alarms.whenQueueNotEmpty(
      streamFailureQueue,
      queues.streamFailures,
      `Table changes that the stream consumer kept failing on wait in ${streamFailureQueue} (their keys, not their data); the value counts miss them until npm run backfill-matching.`,
      runbooks.streamFailures,
    );
    alarms.whenQueueNotEmpty(
      scheduleFailureQueue,
      queues.scheduleFailures,
      `A scheduled function's run failed repeatedly and waits in ${scheduleFailureQueue}; the function's logs say why.`,
      runbooks.scheduleFailures,
    );
    alarms.whenQueueNotEmpty(
      sesReceiptFailureQueue,
      queues.sesReceiptFailures,
      `Received mail whose SES receipt function failed waits in ${sesReceiptFailureQueue}; the raw mail is in the mail bucket.`,
      runbooks.receiptFailures,
    );

    // an account that verified the domain in SES before keeps its identity (CloudFormation cannot
    // create one that exists): the stage says so with existingMailIdentity
    const mailIdentity = props.existingMailIdentity
      ? null
      : new MailIdentity(this, 'MailIdentity', { mailDomain: props.mailDomain });
    const auth = new KontaktAuth(this, 'Auth', {
      retain: props.retainData,
      mailDomain: props.mailDomain,
      mailDomainVerified: props.mailDomainVerified ?? false,
      oauthCallbackUrls: props.oauthCallbackUrls,
    });
    // Cognito checks the identity when the pool is created
    if (mailIdentity) auth.userPool.node.addDependency(mailIdentity.identity);
    const api = new KontaktApi(this, 'Api', { handlers, userAuthorizer: auth.authorizer });
    const receiving = new MailReceiving(this, 'Receiving', {
      bucket: mail.bucket,
      receiptFunction: sesReceiptFunction,
      mailDomain: props.mailDomain,
      existingRuleSetName: props.existingRuleSetName,
      activateRuleSet: props.activateRuleSet,
    });
    const observability = new KontaktObservability(this, 'Observability', {
      stage: props.stage,
      alarms,
      api,
      table,
      functions,
      queues,
    });

    const edge = props.edge
      ? new KontaktEdge(this, 'Edge', {
          stage: props.stage,
          settings: props.edge.settings,
          apiId: api.api.apiId,
          webAclArn: props.edge.webAclArn,
          certificate: props.edge.certificate,
          accessLogs: mail.accessLogs,
        })
      : undefined;
    if (edge) {
      // the functions whose routes the edge serves: closed to direct calls, their scripts post to the edge
      for (const [name, fn] of functions) {
        if (!functionSpec(name).servedThroughEdge) continue;
        fn.fn.addEnvironment('ORIGIN_SECRET', edge.originSecret.secretValue.unsafeUnwrap());
        fn.fn.addEnvironment('PUBLIC_API_BASE', edge.baseUrl);
      }
      new CfnOutput(this, 'EdgeUrl', {
        description: 'Where websites embed their forms (the web-form routes are served here only)',
        value: edge.baseUrl,
      });
      if (props.edge?.settings.domainName) {
        new CfnOutput(this, 'EdgeDnsRecord', {
          description: 'The record the custom domain needs in its DNS (name CNAME value)',
          value: `${props.edge.settings.domainName} CNAME ${edge.distribution.distributionDomainName}`,
        });
      }
    }

    this.edge = edge;
    this.observability = observability;
    this.table = table;
    this.queues = queues;
    this.mail = mail;
    this.functions = functions;
    this.alarms = alarms;
    this.auth = auth;
    this.api = api;
    this.receiving = receiving;

    new CfnOutput(this, 'Stage', { value: props.stage });
    new CfnOutput(this, 'ApiUrl', { value: api.stage.url });
    new CfnOutput(this, 'UserPoolId', { value: auth.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: auth.client.userPoolClientId });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'MailBucketName', { value: mail.bucket.bucketName });
    new CfnOutput(this, 'ReceiptRuleSetName', { value: receiving.ruleSet.receiptRuleSetName });
    if (receiving.activation) {
      new CfnOutput(this, 'ReceiptRuleSetActive', {
        description:
          'true: the stack’s rule set is the region’s active one (activated on create, deactivated before delete); false: another set was active and stays',
        value: receiving.activation.getAttString('Active'),
      });
      new CfnOutput(this, 'ActivateReceiptRuleSet', {
        description:
          'Only while ReceiptRuleSetActive is false: this replaces the region’s active rule set with the stack’s (deactivate it again before cdk destroy)',
        value: `aws ses set-active-receipt-rule-set --rule-set-name ${receiving.ruleSet.receiptRuleSetName} --region ${this.region}`,
      });
    }
    mailIdentity?.identity.dkimRecords.forEach((record, i) => {
      new CfnOutput(this, `DkimRecord${i + 1}`, {
        description: `DKIM record ${i + 1} of 3 that ${props.mailDomain} needs in its DNS before SES sends from it (name CNAME value)`,
        value: `${record.name} CNAME ${record.value}`,
      });
    });
    new CfnOutput(this, 'MailMxRecord', {
      description: `The MX record ${props.mailDomain} needs so that SES receives its mail`,
      value: `10 inbound-smtp.${this.region}.amazonaws.com`,
    });
  }
}
