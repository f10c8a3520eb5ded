// One Lambda function of the manifest: bundled as the benchmarks bundle it, logging to its own group, granted only what its `access` lists.
import { join } from 'node:path';
import { AssetHashType, DockerImage, Duration, type ILocalBundling, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  Architecture,
  Code,
  Function as LambdaFunction,
  ParamsAndSecretsLayerVersion,
  ParamsAndSecretsLogLevel,
  ParamsAndSecretsVersions,
  Runtime,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { buildSync } from 'esbuild';
import type { MailRetention } from '../../domain/emails/mail-retention.ts';
import { metricsNamespaceOf } from '../../functions/shared/metrics.ts';
import { functionBundleOptions, functionHandler } from '../bundling.ts';
import {
  type FunctionName,
  type FunctionSpec,
  type QueueName,
  queueMaxReceivesVariable,
  queueUrlVariable,
} from '../manifest.ts';
import { isTableGrant, tableStatements } from '../table-grants.ts';
import { iam5Findings } from './nag-findings.ts';

export const logLevels = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type LogLevelName = (typeof logLevels)[number];

/** The repository root: manifest entries and the lock file are relative to it. */
export const repoRoot = join(import.meta.dirname, '..', '..');

export type FunctionResources = {
  stage: string;
  table: ITable;
  mailBucket: IBucket;
  queue: (name: QueueName) => IQueue;
  mailDomain: string;
  /** the SSM SecureString holding the Facebook app secret, verify token and page tokens (created by ops) */
  facebookConfigParameter: string;
  recordAddressKeyParameter: string;
  /** which indexes the functions read while a stack moves to the lean ones (functions/shared/table.ts) */
  tableIndexes?: 'lean' | 'legacy';
  /** browser origins the stage lets call its user routes (CORS) */
  allowedOrigins?: readonly string[] | undefined;
  /** the stage's log level (POWERTOOLS_LOG_LEVEL): DEBUG, INFO, WARN or ERROR */
  logLevel?: LogLevelName | undefined;
  /** the stage's mail retention, for the function that enforces it */
  mailRetention?: MailRetention | undefined;
};

export type KontaktFunctionProps = {
  name: FunctionName;
  spec: FunctionSpec;
  resources: FunctionResources;
};

export class KontaktFunction extends Construct {
  readonly fn: LambdaFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, { name, spec, resources }: KontaktFunctionProps) {
    super(scope, id);
    const { access } = spec;

    this.logGroup = new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_MONTH });
    // An own role instead of AWSLambdaBasicExecutionRole: it may write to this function's log group only.
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${name} function`,
    });
    this.logGroup.grantWrite(role);
    this.role = role;

    this.fn = new LambdaFunction(this, 'Function', {
      code: bundledCode(spec.entry),
      handler: functionHandler,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      description: spec.description,
      timeout: Duration.seconds(spec.timeoutSeconds),
      // X-Ray: Lambda traces every invocation (init and handler time); the SDK calls within are not
      // instrumented: no Powertools Tracer (its init cost would break the cold-start budget, and it
      // would capture responses, which carry personal data)
      tracing: Tracing.ACTIVE,
      memorySize: spec.memoryMb,
      role,
      logGroup: this.logGroup,
      environment: environmentOf(spec, resources),
      // the record address key is read through AWS's Parameters and Secrets extension (functions/emails/record-address-key.ts)
      ...(access.recordAddressKey === 'read'
        ? {
            paramsAndSecrets: ParamsAndSecretsLayerVersion.fromVersion(ParamsAndSecretsVersions.V1_0_103, {
              cacheEnabled: true,
              parameterStoreTtl: Duration.minutes(5),
              logLevel: ParamsAndSecretsLogLevel.WARN,
            }),
          }
        : {}),
    });

    if (access.table === 'read') resources.table.grantReadData(role);
    if (access.table === 'readWrite') resources.table.grantReadWriteData(role);
    // only the named nouns' items, action by action: the table itself, never an index
    if (isTableGrant(access.table)) {
      for (const { action, leadingKeys } of tableStatements(access.table)) {
        role.addToPolicy(
          new PolicyStatement({
            actions: [`dynamodb:${action}`],
            resources: [resources.table.tableArn],
            conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeys } },
          }),
        );
      }
    }
    // each prefix its own grant: a function reaches only the kinds of object it works with
    for (const prefix of access.mailBucket?.read ?? []) resources.mailBucket.grantRead(role, `${prefix}*`);
    for (const prefix of access.mailBucket?.readWrite ?? []) resources.mailBucket.grantReadWrite(role, `${prefix}*`);
    for (const queue of access.send ?? []) resources.queue(queue).grantSendMessages(role);
    // SecureStrings under the account's aws/ssm key, whose key policy lets SSM decrypt for this role.
    const parameters = [
      ...(access.facebookSecret === 'read' ? [resources.facebookConfigParameter] : []),
      ...(access.recordAddressKey === 'read' ? [resources.recordAddressKeyParameter] : []),
    ];
    if (parameters.length > 0) {
      role.addToPolicy(
        new PolicyStatement({
          actions: ['ssm:GetParameter'],
          resources: parameters.map((name) =>
            Stack.of(this).formatArn({ service: 'ssm', resource: 'parameter', resourceName: name.replace(/^\//, '') }),
          ),
        }),
      );
    }

    if (access.sendEmail) {
      // Only as the reminder sender, only through the SES identity of the stack's mail domain.
      role.addToPolicy(
        new PolicyStatement({
          actions: ['ses:SendEmail'],
          resources: [
            Stack.of(this).formatArn({ service: 'ses', resource: 'identity', resourceName: resources.mailDomain }),
          ],
          conditions: { StringEquals: { 'ses:FromAddress': reminderSender(resources.mailDomain) } },
        }),
      );
    }

    for (const finding of iam5Findings(access, resources.table, resources.mailBucket, spec.consumesStream)) {
      Validations.of(role).acknowledge(finding);
    }
  }
}

/** The From address of reminder mail: an address of the domain whose SES identity the stack sends as. */
export const reminderSender = (mailDomain: string): string => `kontakt@${mailDomain}`;

const environmentOf = (spec: FunctionSpec, resources: FunctionResources): Record<string, string> => {
  const env: Record<string, string> = {
    POWERTOOLS_SERVICE_NAME: 'kontakt',
    POWERTOOLS_LOG_LEVEL: resources.logLevel ?? 'INFO',
    // business metrics in the stage's own namespace (functions/shared/metrics.ts)
    POWERTOOLS_METRICS_NAMESPACE: metricsNamespaceOf(resources.stage),
    // stack traces through the bundles' .map files
    NODE_OPTIONS: [
      '--enable-source-maps',
      ...(spec.heapMb === undefined ? [] : [`--max-old-space-size=${spec.heapMb}`]),
    ].join(' '),
  };
  if (spec.access.table) env.TABLE_NAME = resources.table.tableName;
  if (spec.access.table && resources.tableIndexes === 'legacy') env.TABLE_INDEXES = 'legacy';
  // The SES receipt function names the object the receipt rule stored, so it needs the name but no grant.
  if (spec.access.mailBucket || spec.sesReceipt) env.MAIL_BUCKET = resources.mailBucket.bucketName;
  for (const queue of spec.access.send ?? []) env[queueUrlVariable(queue)] = resources.queue(queue).queueUrl;
  if (spec.consumes) env[queueMaxReceivesVariable(spec.consumes.queue)] = String(spec.consumes.maxReceiveCount);
  if (spec.sesReceipt || spec.access.recordAddressKey) env.MAIL_DOMAIN = resources.mailDomain;
  if (spec.access.recordAddressKey) env.RECORD_ADDRESS_KEY_PARAMETER = resources.recordAddressKeyParameter;
  if (spec.access.facebookSecret) env.FACEBOOK_CONFIG_PARAMETER = resources.facebookConfigParameter;
  if (spec.access.sendEmail) env.REMINDER_SENDER = reminderSender(resources.mailDomain);
  // every function that answers HTTP adds CORS headers for these origins (functions/shared/http.ts)
  if ((spec.routes?.length ?? 0) > 0 && (resources.allowedOrigins?.length ?? 0) > 0) {
    env.ALLOWED_ORIGINS = (resources.allowedOrigins ?? []).join(',');
  }
  if (spec.mailRetention && resources.mailRetention) {
    env.MAIL_RETENTION_LINKED_YEARS = String(resources.mailRetention.linkedYears);
    env.MAIL_RETENTION_UNLINKED_DAYS = String(resources.mailRetention.unlinkedDays);
    env.MAIL_RETENTION_QUARANTINED_DAYS = String(resources.mailRetention.quarantinedDays);
  }
  return { ...env, ...spec.environment };
};

/**
 * The function's code: its entry and the chunks its routes load, bundled by esbuild on this machine
 * (infra/bundling.ts: the benchmarks measure the same build). NodejsFunction writes one output file,
 * which cannot hold the chunks an HTTP function loads per route. A synth that skips bundling
 * (template tests, `cdk ls`) stages nothing and runs no esbuild; the asset's hash is that of the
 * output, so a change anywhere in what a function imports deploys it again.
 */
const bundledCode = (entry: string): Code =>
  Code.fromAsset(repoRoot, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // required by the type, never pulled: local bundling either succeeds or throws
      image: DockerImage.fromRegistry('kontakt-bundles-locally'),
      local: new LocalEsbuild(entry),
    },
  });

/**
 * esbuild on this machine. A class with the entry as a property, not a bare function: the CDK keys
 * its cache of staged assets on the bundling options as JSON, where a function leaves no trace, so
 * every function would be given the first one's bundle.
 */
class LocalEsbuild implements ILocalBundling {
  readonly entry: string;

  constructor(entry: string) {
    this.entry = entry;
  }

  tryBundle(outputDir: string): boolean {
    buildSync({
      ...functionBundleOptions(join(repoRoot, this.entry), outputDir),
      absWorkingDir: repoRoot,
      logLevel: 'error',
    });
    return true;
  }
}
