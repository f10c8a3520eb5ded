// Template assertions on the Kontakt stack; every expectation is enumerated from infra/manifest.ts, so a new entry is covered.
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { inboundMailPrefix } from '../../functions/emails/mail-bucket.ts';
import { tableDefinition } from '../../functions/shared/table.ts';
import { defaultRouteThrottle } from '../../infra/cdk/kontakt-api.ts';
import type { KontaktStack } from '../../infra/cdk/kontakt-stack.ts';
import {
  consumerOf,
  type FunctionName,
  functionEntries,
  functionSpec,
  type QueueName,
  queueMaxReceivesVariable,
  queueNames,
  queueUrlVariable,
  type Route,
  routeKey,
  sesReceiptFailureQueue,
  streamConsumer,
  streamFailureQueue,
} from '../../infra/manifest.ts';
import { isTableGrant, tableStatements } from '../../infra/table-grants.ts';
import { arn, buildTestApp, logicalIdOf, ref, testMailDomain, testRegion } from './synth-kontakt.ts';

const denyInsecureTransport = Match.objectLike({
  Effect: 'Deny',
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
});

const QueueResource = z.object({
  Properties: z.object({
    VisibilityTimeout: z.number(),
    RedrivePolicy: z.object({ deadLetterTargetArn: z.unknown(), maxReceiveCount: z.number() }),
  }),
});

const PolicyResource = z.object({
  Properties: z.object({
    PolicyDocument: z.object({
      Statement: z.array(
        z.object({
          Action: z.union([z.string(), z.array(z.string())]),
          Resource: z.unknown(),
          Condition: z.optional(z.record(z.string(), z.record(z.string(), z.unknown()))),
        }),
      ),
    }),
  }),
});

let stack: KontaktStack;
let template: Template;

beforeAll(() => {
  stack = buildTestApp({}, { nag: false }).stack;
  template = Template.fromStack(stack);
});

const functionOf = (name: FunctionName) => {
  const found = stack.functions.get(name);
  if (!found) throw new Error(`no function ${name} in the stack`);
  return found;
};

const workQueue = (name: QueueName) => {
  const found = stack.queues.work.get(name);
  if (!found) throw new Error(`no queue ${name} in the stack`);
  return found;
};

/** Every action the role of a function may take, from its policies in the template. */
const actionsOf = (name: FunctionName): string[] => {
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [ref(functionOf(name).role)] } });
  return Object.values(policies).flatMap((policy) =>
    PolicyResource.parse(policy).Properties.PolicyDocument.Statement.flatMap((s) => s.Action),
  );
};

const policyStatementsOf = (name: FunctionName) => {
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [ref(functionOf(name).role)] } });
  return Object.values(policies).flatMap((policy) => PolicyResource.parse(policy).Properties.PolicyDocument.Statement);
};

describe('functions', () => {
  it('traces every function with X-Ray (active tracing)', () => {
    for (const [name] of functionEntries()) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Role: arn(functionOf(name).role),
        TracingConfig: { Mode: 'Active' },
      });
      expect(actionsOf(name)).toEqual(expect.arrayContaining(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']));
    }
  });

  it('creates one function per manifest entry and the receipt rule set switch, each on Node.js 24 and arm64', () => {
    template.resourceCountIs('AWS::Lambda::Function', functionEntries().length + 1);
    template.allResourcesProperties('AWS::Lambda::Function', { Runtime: 'nodejs24.x', Architectures: ['arm64'] });
  });

  it.each(functionEntries())('configures %s as the manifest says', (name, spec) => {
    const kontaktFunction = functionOf(name);
    const expectEnv = (present: boolean) => (present ? Match.anyValue() : Match.absent());
    template.hasResource('AWS::Lambda::Function', {
      Properties: Match.objectLike({
        Description: spec.description,
        Timeout: spec.timeoutSeconds,
        MemorySize: spec.memoryMb,
        Handler: 'index.handler',
        LoggingConfig: { LogGroup: ref(kontaktFunction.logGroup) },
        Role: arn(kontaktFunction.role),
        Environment: {
          Variables: Match.objectEquals({
            POWERTOOLS_SERVICE_NAME: 'kontakt',
            POWERTOOLS_LOG_LEVEL: 'INFO',
            POWERTOOLS_METRICS_NAMESPACE: 'Kontakt-test',
            TABLE_NAME: expectEnv(spec.access.table !== undefined),
            MAIL_BUCKET: expectEnv(spec.access.mailBucket !== undefined || spec.sesReceipt === true),
            MAIL_DOMAIN: spec.sesReceipt || spec.access.recordAddressKey ? testMailDomain : Match.absent(),
            // the test stage sets its own periods (synth-kontakt.ts)
            MAIL_RETENTION_LINKED_YEARS: spec.mailRetention ? '8' : Match.absent(),
            MAIL_RETENTION_UNLINKED_DAYS: spec.mailRetention ? '90' : Match.absent(),
            MAIL_RETENTION_QUARANTINED_DAYS: spec.mailRetention ? '14' : Match.absent(),
            FACEBOOK_CONFIG_PARAMETER: spec.access.facebookSecret ? '/kontakt/test/facebook' : Match.absent(),
            RECORD_ADDRESS_KEY_PARAMETER: spec.access.recordAddressKey
              ? '/kontakt/test/record-address-key'
              : Match.absent(),
            // the AWS Parameters and Secrets extension's settings, where it reads the record address key
            ...(spec.access.recordAddressKey
              ? {
                  PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED: 'true',
                  PARAMETERS_SECRETS_EXTENSION_CACHE_SIZE: Match.anyValue(),
                  PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: Match.anyValue(),
                  PARAMETERS_SECRETS_EXTENSION_LOG_LEVEL: 'warn',
                  PARAMETERS_SECRETS_EXTENSION_MAX_CONNECTIONS: Match.anyValue(),
                  SECRETS_MANAGER_TIMEOUT_MILLIS: Match.anyValue(),
                  SECRETS_MANAGER_TTL: Match.anyValue(),
                  SSM_PARAMETER_STORE_TIMEOUT_MILLIS: Match.anyValue(),
                  SSM_PARAMETER_STORE_TTL: '300',
                }
              : {}),
            REMINDER_SENDER: spec.access.sendEmail ? `kontakt@${testMailDomain}` : Match.absent(),
            NODE_OPTIONS:
              spec.heapMb === undefined
                ? '--enable-source-maps'
                : `--enable-source-maps --max-old-space-size=${spec.heapMb}`,
            ...Object.fromEntries(
              (spec.access.send ?? []).map((queue) => [queueUrlVariable(queue), ref(workQueue(queue).queue)]),
            ),
            ...(spec.consumes
              ? { [queueMaxReceivesVariable(spec.consumes.queue)]: String(spec.consumes.maxReceiveCount) }
              : {}),
            ...spec.environment,
          }),
        },
      }),
    });
  });

  it("caps the import worker's heap well below its memory, so its garbage never fills the container", () => {
    const worker = functionOf('import-worker');
    const spec = functionSpec('import-worker');
    expect(spec.heapMb).toBeLessThanOrEqual(spec.memoryMb / 4);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Role: arn(worker.role),
      Environment: {
        Variables: Match.objectLike({ NODE_OPTIONS: `--enable-source-maps --max-old-space-size=${spec.heapMb}` }),
      },
    });
  });

  it.each(functionEntries())('grants %s only the access the manifest lists', (name, spec) => {
    const actions = actionsOf(name);
    const has = (action: string) => actions.includes(action);

    expect(actions.some((a) => a.startsWith('dynamodb:'))).toBe(spec.access.table !== undefined);
    const table = spec.access.table;
    expect(has('dynamodb:PutItem')).toBe(
      table === 'readWrite' || (isTableGrant(table) && (table.put?.length ?? 0) > 0),
    );
    expect(actions.some((a) => a.startsWith('s3:'))).toBe(spec.access.mailBucket !== undefined);
    expect(has('s3:PutObject')).toBe((spec.access.mailBucket?.readWrite?.length ?? 0) > 0);
    expect(actions.filter((a) => a.startsWith('logs:')).sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    // The SES receipt function, the stream consumer and the scheduled functions may also send to
    // their on-failure destinations.
    const sendsToQueues =
      (spec.access.send?.length ?? 0) > 0 ||
      spec.sesReceipt === true ||
      spec.consumesStream !== undefined ||
      spec.scheduleMinutes !== undefined;
    expect(has('sqs:SendMessage')).toBe(sendsToQueues);
  });

  it.each(functionEntries().filter(([, spec]) => spec.access.mailBucket))(
    'lets %s reach only its own prefixes of the mail bucket, writing only where it may',
    (name, spec) => {
      const s3Statements = policyStatementsOf(name).filter((st) => [st.Action].flat().some((a) => a.startsWith('s3:')));
      const objectResources = s3Statements.flatMap((st) =>
        [st.Resource]
          .flat()
          .map((r) => JSON.stringify(r))
          .filter((r) => r.includes('/')),
      );
      const prefixOf = (resource: string) => /"\/([a-z-]+\/)\*"/.exec(resource)?.[1] ?? 'the whole bucket';
      const read = spec.access.mailBucket?.read ?? [];
      const readWrite = spec.access.mailBucket?.readWrite ?? [];
      expect(new Set(objectResources.map(prefixOf))).toEqual(new Set([...read, ...readWrite]));
      const written = s3Statements
        .filter((st) => [st.Action].flat().includes('s3:PutObject'))
        .flatMap((st) =>
          [st.Resource]
            .flat()
            .map((r) => JSON.stringify(r))
            .filter((r) => r.includes('/'))
            .map(prefixOf),
        );
      expect(new Set(written)).toEqual(new Set(readWrite));
    },
  );

  it.each(functionEntries().filter(([, spec]) => isTableGrant(spec.access.table)))(
    'holds %s to the partitions of the nouns it names, action by action, on the table and no index',
    (name, spec) => {
      const grant = spec.access.table;
      if (!isTableGrant(grant)) throw new Error('not a table grant');
      const statements = policyStatementsOf(name).filter((st) =>
        [st.Action].flat().some((a) => a.startsWith('dynamodb:')),
      );
      const granted = statements.map((st) => ({
        action: [st.Action].flat().map((a) => a.replace('dynamodb:', '')),
        resource: st.Resource,
        leadingKeys: st.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'],
      }));

      expect(granted).toEqual(
        tableStatements(grant).map(({ action, leadingKeys }) => ({
          action: [action],
          resource: arn(stack.table),
          leadingKeys,
        })),
      );
      // what the internet-facing functions must never do: list or delete anything, or read an index
      expect(granted.flatMap((g) => g.action)).not.toContain('Scan');
      expect(granted.flatMap((g) => g.action)).not.toContain('Query');
      expect(granted.flatMap((g) => g.action)).not.toContain('DeleteItem');
      expect(granted.every((g) => (g.leadingKeys as string[]).every((k) => /^[A-Z]+#\*$/.test(k)))).toBe(true);
    },
  );

  it('keeps the intake functions away from users, API-key hashes and the rest of the table', () => {
    for (const name of ['webform-submissions', 'agency-leads', 'facebook-worker', 'import-worker']) {
      const grant = functionSpec(name).access.table;
      expect(isTableGrant(grant), name).toBe(true);
    }
    const keysOf = (name: string) =>
      policyStatementsOf(name)
        .flatMap((st) => [st.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] ?? []])
        .flat();
    expect(new Set(keysOf('webform-submissions'))).toEqual(new Set(['WEBFORM#*', 'IDEMPOTENCY#*', 'INBOX#*']));
    expect(keysOf('facebook-worker')).not.toContain('USER#*');
  });

  it('lets only the Facebook functions read the Facebook configuration parameter, and only the mail functions the record address key', () => {
    const parameterArns = (name: string): string[] =>
      policyStatementsOf(name)
        .filter((statement) => [statement.Action].flat().includes('ssm:GetParameter'))
        .flatMap((statement) => [statement.Resource].flat())
        .map((resource) => JSON.stringify(resource));
    for (const [name, spec] of functionEntries()) {
      const arns = parameterArns(name);
      expect(
        arns.some((arn) => arn.includes('parameter/kontakt/test/facebook')),
        name,
      ).toBe(spec.access.facebookSecret === 'read');
      expect(
        arns.some((arn) => arn.includes('parameter/kontakt/test/record-address-key')),
        name,
      ).toBe(spec.access.recordAddressKey === 'read');
      expect(arns.length > 0, name).toBe(
        spec.access.facebookSecret === 'read' || spec.access.recordAddressKey === 'read',
      );
    }
    for (const [name, spec] of functionEntries()) {
      const layers = JSON.stringify(
        template.toJSON().Resources[logicalIdOf(functionOf(name).fn)].Properties.Layers ?? [],
      );
      // the extension that reads it, from AWS's own layer account of the region
      expect(layers.includes('AWS-Parameters-and-Secrets-Lambda-Extension'), name).toBe(
        spec.access.recordAddressKey === 'read',
      );
    }
    expect(functionSpec('email-worker').access.recordAddressKey).toBe('read');
    expect(functionSpec('emails-api').access.recordAddressKey).toBe('read');
  });

  it('uses its own roles, without AWS managed policies', () => {
    template.allResourcesProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });

  it('gives every log group a retention', () => {
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });
});

describe('queues', () => {
  it.each(queueNames)('gives %s a dead-letter queue and a safe redrive', (name) => {
    const { queue, dlq } = workQueue(name);
    const [consumerName, consumer] = consumerOf(name);
    const resource = QueueResource.parse(template.toJSON().Resources[logicalIdOf(queue)]);

    expect(resource.Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: arn(dlq),
      maxReceiveCount: consumer.maxReceiveCount,
    });
    expect(resource.Properties.RedrivePolicy.maxReceiveCount).toBeGreaterThanOrEqual(5);
    expect(resource.Properties.VisibilityTimeout).toBe(consumer.visibilityTimeoutSeconds);
    expect(resource.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * functionSpec(consumerName).timeoutSeconds);
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: `${stack.stackName}-${name}-dlq`,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
  });

  it.each(queueNames)('feeds %s to its consumer in batches with partial failures', (name) => {
    const [consumerName, consumer] = consumerOf(name);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: arn(workQueue(name).queue),
      FunctionName: ref(functionOf(consumerName).fn),
      BatchSize: consumer.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      // a backlog takes at most this many instances: the API keeps its share of the account's concurrency
      ScalingConfig: { MaximumConcurrency: consumer.maxConcurrency ?? 10 },
    });
  });

  it('encrypts every queue and denies it to requests without TLS', () => {
    const everyQueue = [
      ...queueNames.flatMap((name) => [workQueue(name).queue, workQueue(name).dlq]),
      stack.queues.sesReceiptFailures,
      stack.queues.streamFailures,
      stack.queues.scheduleFailures,
    ];
    template.resourceCountIs('AWS::SQS::Queue', everyQueue.length);
    template.allResourcesProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    for (const queue of everyQueue) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [ref(queue)],
        PolicyDocument: { Statement: Match.arrayWith([denyInsecureTransport]) },
      });
    }
  });
});

describe('table', () => {
  it('matches functions/shared/table.ts and keeps its data safe', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: tableDefinition.ttlAttribute, Enabled: true },
        KeySchema: [
          { AttributeName: tableDefinition.partitionKey, KeyType: 'HASH' },
          { AttributeName: tableDefinition.sortKey, KeyType: 'RANGE' },
        ],
        // lean: keys and the attributes the inbox lists filter on; the sparse work index keys only
        GlobalSecondaryIndexes: Object.values(tableDefinition.indexes).map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection:
            index.projected.length === 0
              ? { ProjectionType: 'KEYS_ONLY' }
              : { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projected] },
        })),
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    });
  });

  it('feeds the changes of person and company records only to the stream consumer, in order, with a failure queue', () => {
    const [name, consumer] = streamConsumer();
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(stack.table), 'StreamArn'] },
      FunctionName: ref(functionOf(name).fn),
      BatchSize: consumer.batchSize,
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: consumer.maxRetries,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: arn(stack.queues.streamFailures) } },
      FilterCriteria: {
        Filters: [{ Pattern: JSON.stringify({ dynamodb: { Keys: { sk: { S: [...consumer.records] } } } }) }],
      },
    });
    expect([...consumer.records].sort()).toEqual(['COMPANY', 'PERSON']);
  });
});

describe('HTTP API', () => {
  const routes = functionEntries().flatMap(([name, spec]) => (spec.routes ?? []).map((route) => ({ name, route })));

  it('leaves CORS to the functions', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.absent() });
  });

  it('checks user tokens with a JWT authorizer on the Cognito pool', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: {
        Audience: [ref(stack.auth.client)],
        Issuer: { 'Fn::Join': ['', [`https://cognito-idp.${testRegion}.amazonaws.com/`, ref(stack.auth.userPool)]] },
      },
    });
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      UsernameAttributes: ['email'],
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_SRP_AUTH']),
    });
  });

  it('has exactly the manifest routes', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Route', routes.length);
  });

  it.each(routes.map(({ name, route }): [string, FunctionName, Route] => [routeKey(route), name, route]))(
    'routes %s to %s with its authorization and throttle',
    (key, name, route) => {
      const integrations = template.findResources('AWS::ApiGatewayV2::Integration', {
        Properties: { IntegrationUri: arn(functionOf(name).fn), PayloadFormatVersion: '2.0' },
      });
      const [integrationId] = Object.keys(integrations);
      expect(integrationId).toBeDefined();
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: key,
        AuthorizationType: route.auth === 'user' ? 'JWT' : 'NONE',
        AuthorizerId: route.auth === 'user' ? Match.anyValue() : Match.absent(),
        Target: { 'Fn::Join': ['', ['integrations/', { Ref: integrationId }]] },
      });

      const throttle = route.throttle ?? defaultRouteThrottle;
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        RouteSettings: {
          [key]: { throttlingRateLimit: throttle.rateLimit, throttlingBurstLimit: throttle.burstLimit },
        },
      });
      const httpRoute = stack.api.routes.get(key);
      if (!httpRoute) throw new Error(`no route ${key}`);
      template.hasResource('AWS::ApiGatewayV2::Stage', { DependsOn: Match.arrayWith([logicalIdOf(httpRoute)]) });
    },
  );

  it('serves a $default stage that deploys itself, logs access and throttles every route', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('\\$context\\.requestId') },
      DefaultRouteSettings: {
        ThrottlingRateLimit: defaultRouteThrottle.rateLimit,
        ThrottlingBurstLimit: defaultRouteThrottle.burstLimit,
      },
    });
  });
});

describe('schedules', () => {
  const scheduled = functionEntries().flatMap(([name, spec]): [FunctionName, number][] =>
    spec.scheduleMinutes === undefined ? [] : [[name, spec.scheduleMinutes]],
  );

  /** EventBridge's rate as CDK writes it: in the largest whole unit */
  const rateOf = (minutes: number): string => {
    const [count, unit] =
      minutes % 1440 === 0
        ? [minutes / 1440, 'day']
        : minutes % 60 === 0
          ? [minutes / 60, 'hour']
          : [minutes, 'minute'];
    return `rate(${count} ${unit}${count === 1 ? '' : 's'})`;
  };

  it.each(scheduled)('runs %s every %i minutes', (name, minutes) => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: rateOf(minutes),
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: arn(functionOf(name).fn) })],
    });
  });

  it.each(scheduled)('sends a failed run of %s to schedule-failures after two retries, and raises an alarm', (name) => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: ref(functionOf(name).fn),
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: arn(stack.queues.scheduleFailures) } },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: ref(functionOf(name).fn) }],
      AlarmActions: Match.anyValue(),
    });
  });

  it('raises an alarm when a scheduled run waits in schedule-failures', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdOf(stack.queues.scheduleFailures), 'QueueName'] } },
      ],
    });
  });
});

describe('mail', () => {
  const sesReceiptEntries = functionEntries().filter(([, spec]) => spec.sesReceipt);
  const sesReceiptName = () => {
    const [entry] = sesReceiptEntries;
    if (!entry || sesReceiptEntries.length !== 1)
      throw new Error('the manifest must name exactly one sesReceipt function');
    return entry[0];
  };

  it('stores raw mail under the inbound prefix, then invokes the receipt function asynchronously', () => {
    template.hasResourceProperties('AWS::SES::ReceiptRule', {
      RuleSetName: ref(stack.receiving.ruleSet),
      Rule: {
        Enabled: true,
        Recipients: [testMailDomain],
        ScanEnabled: true,
        Actions: [
          { S3Action: Match.objectLike({ BucketName: ref(stack.mail.bucket), ObjectKeyPrefix: inboundMailPrefix }) },
          {
            LambdaAction: Match.objectLike({
              FunctionArn: arn(functionOf(sesReceiptName()).fn),
              InvocationType: 'Event',
            }),
          },
        ],
      },
    });
  });

  it('sends failed receipts to their queue after two retries', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: ref(functionOf(sesReceiptName()).fn),
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: arn(stack.queues.sesReceiptFailures) } },
    });
  });

  it('creates its own rule set and says how to activate it', () => {
    template.resourceCountIs('AWS::SES::ReceiptRuleSet', 1);
    template.hasOutput('ActivateReceiptRuleSet', {
      Value: {
        'Fn::Join': [
          '',
          [
            'aws ses set-active-receipt-rule-set --rule-set-name ',
            ref(stack.receiving.ruleSet),
            ` --region ${testRegion}`,
          ],
        ],
      },
    });
  });

  it('activates its own rule set on create when none is active and deactivates it before deleting it, so destroy works', () => {
    const activation = stack.receiving.activation;
    if (!activation) throw new Error('the stack owns its rule set: it needs its switch');
    const [id, resource] = Object.entries(template.findResources('Custom::ReceiptRuleSetActivation'))[0] ?? [];
    expect(id).toBeDefined();
    expect(resource).toMatchObject({
      Properties: { RuleSetName: ref(stack.receiving.ruleSet), Activate: 'true' },
      // created after the rule set, deleted before it
      DependsOn: expect.arrayContaining([logicalIdOf(stack.receiving.ruleSet)]),
    });
    template.hasOutput('ReceiptRuleSetActive', { Value: { 'Fn::GetAtt': [id, 'Active'] } });
    const serviceToken = (resource as { Properties: { ServiceToken: { 'Fn::GetAtt': [string, string] } } }).Properties
      .ServiceToken['Fn::GetAtt'][0];
    const switchFunction = template.findResources('AWS::Lambda::Function')[serviceToken] as {
      Properties: { Role: { 'Fn::GetAtt': [string, string] }; Code: { ZipFile: string } };
    };
    expect(switchFunction.Properties.Code.ZipFile).toContain('SetActiveReceiptRuleSetCommand');
    const switchPolicies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: switchFunction.Properties.Role['Fn::GetAtt'][0] }] },
    });
    const actions = Object.values(switchPolicies).flatMap((p) =>
      PolicyResource.parse(p).Properties.PolicyDocument.Statement.flatMap((s) => [s.Action].flat()),
    );
    expect(actions.filter((a) => !a.startsWith('logs:')).sort()).toEqual([
      'ses:DescribeActiveReceiptRuleSet',
      'ses:SetActiveReceiptRuleSet',
    ]);
  });

  it('leaves the activation to ops when the stage says so', () => {
    const manual = Template.fromStack(buildTestApp({ 'kontakt:activateRuleSet': 'false' }, { nag: false }).stack);
    manual.hasResourceProperties('Custom::ReceiptRuleSetActivation', { Activate: 'false' });
  });

  it('keeps every bucket private, encrypted and TLS-only', () => {
    template.resourceCountIs('AWS::S3::Bucket', 2);
    template.allResourcesProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
    });
    for (const bucket of [stack.mail.bucket, stack.mail.accessLogs]) {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: ref(bucket),
        PolicyDocument: { Statement: Match.arrayWith([denyInsecureTransport]) },
      });
    }
  });

  it('keeps raw mail and its parts no longer than the longest retention class, uploaded vCard files a day, aborts stale uploads and logs access', () => {
    // the test stage keeps linked mail 8 years: (8 + 1) years of 366 days and a month for the sweep
    const outermost = 9 * 366 + 31;
    template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { DestinationBucketName: ref(stack.mail.accessLogs) },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Prefix: inboundMailPrefix, ExpirationInDays: outermost, Status: 'Enabled' }),
          Match.objectLike({ Prefix: 'attachments/', ExpirationInDays: outermost, Status: 'Enabled' }),
          Match.objectLike({ Prefix: 'html/', ExpirationInDays: outermost, Status: 'Enabled' }),
          Match.objectLike({ Prefix: 'vcard-uploads/', ExpirationInDays: 1, Status: 'Enabled' }),
          Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' }),
        ]),
      },
    });
  });
});

describe('alarms', () => {
  const alarmOnVisibleMessages = (queue: Parameters<typeof ref>[0]) => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdOf(queue), 'QueueName'] } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [ref(stack.alarms.topic)],
    });
  };

  it.each(queueNames)('raises an alarm when the dead-letter queue of %s holds a message', (name) => {
    alarmOnVisibleMessages(workQueue(name).dlq);
  });

  it(`raises an alarm when ${sesReceiptFailureQueue} holds a message`, () => {
    alarmOnVisibleMessages(stack.queues.sesReceiptFailures);
  });

  it(`raises an alarm when ${streamFailureQueue} holds a message`, () => {
    alarmOnVisibleMessages(stack.queues.streamFailures);
  });

  it('raises an alarm when the SES receipt function fails', () => {
    const [name] = functionEntries().find(([, spec]) => spec.sesReceipt) ?? [];
    if (!name) throw new Error('no sesReceipt function in the manifest');
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: ref(functionOf(name).fn) }],
      AlarmActions: [ref(stack.alarms.topic)],
    });
  });

  it('publishes alarms to a topic that refuses requests without TLS', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [ref(stack.alarms.topic)],
      PolicyDocument: { Statement: Match.arrayWith([denyInsecureTransport]) },
    });
  });
});

describe('outputs', () => {
  it.each(['ApiUrl', 'UserPoolId', 'UserPoolClientId', 'TableName', 'MailBucketName', 'ReceiptRuleSetName'])(
    'exports %s',
    (output) => {
      template.hasOutput(output, { Value: Match.anyValue() });
    },
  );
});

describe('with an existing rule set and an alarm address', () => {
  let other: Template;

  beforeAll(() => {
    const built = buildTestApp(
      { 'kontakt:existingRuleSetName': 'team-rules', 'kontakt:alarmEmail': 'ops@example.com' },
      { nag: false },
    );
    other = Template.fromStack(built.stack);
  });

  it('adds its rule to that rule set instead of creating one', () => {
    other.resourceCountIs('AWS::SES::ReceiptRuleSet', 0);
    other.hasResourceProperties('AWS::SES::ReceiptRule', { RuleSetName: 'team-rules' });
    expect(Object.keys(other.findOutputs('ActivateReceiptRuleSet'))).toEqual([]);
    // the account's rule set is not the stack's to switch
    other.resourceCountIs('Custom::ReceiptRuleSetActivation', 0);
    other.hasOutput('ReceiptRuleSetName', { Value: 'team-rules' });
  });

  it('subscribes the address to the alarm topic', () => {
    other.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });
});
