// Stages side by side (issue 20): each stage its own stack, names and settings, so dev and prod
// deploy into one account and region without touching each other; no stage without its own mail
// domain; every stage's template clean under cfn-lint (the image's 1.51).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { queueNames } from '../../infra/manifest.ts';
import { buildTestApp } from './synth-kontakt.ts';

const stages = {
  dev: { 'kontakt:stage': 'dev', 'kontakt:mailDomain': 'dev.crm.example.com', 'kontakt:retainData': false },
  prod: {
    'kontakt:stage': 'prod',
    'kontakt:oauthCallbackUrls': 'https://crm.example.com/signed-in',
    'kontakt:mailDomainVerified': true,
    'kontakt:allowedOrigins': 'https://crm.example.com,https://app.example.com',
    'kontakt:mailDomain': 'crm.example.com',
    'kontakt:alarmEmail': 'ops@example.com',
    'kontakt:warmWriteUnitsPerSecond': 12000,
    'kontakt:warmReadUnitsPerSecond': 12000,
    // CloudFront and WAF before the web forms, at a domain of its own (test/infra/edge.test.ts)
    'kontakt:edge': '{"domainName":"forms.example.com"}',
    'kontakt:logLevel': 'warn',
  },
} as const;

const synth = (stage: keyof typeof stages) => {
  const { app, stack, edgeStack } = buildTestApp({ ...stages[stage] }, { nag: false });
  const template = Template.fromStack(stack);
  return { app, stack, edgeStack, template };
};

/** The environments of the Kontakt functions (the rule set switch has none). */
const kontaktEnvironments = (template: Template): Record<string, string>[] =>
  Object.values(template.findResources('AWS::Lambda::Function')).flatMap((fn) => {
    const variables = (fn as { Properties: { Environment?: { Variables?: Record<string, string> } } }).Properties
      .Environment?.Variables;
    return variables ? [variables] : [];
  });

const dev = synth('dev');
const prod = synth('prod');

describe('stages', () => {
  it('deploy as stacks of their own, every queue named after its stage', () => {
    expect(dev.stack.stackName).toBe('Kontakt-dev');
    expect(prod.stack.stackName).toBe('Kontakt-prod');
    for (const [stage, { template }] of [
      ['dev', dev],
      ['prod', prod],
    ] as const) {
      for (const name of queueNames) {
        template.hasResourceProperties('AWS::SQS::Queue', { QueueName: `Kontakt-${stage}-${name}` });
      }
      template.hasOutput('Stage', { Value: stage });
    }
  });

  it('keep prod’s data and let a throw-away stage’s go with its stack', () => {
    prod.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
    dev.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
    });
    prod.template.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'Retain' });
    dev.template.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'Delete' });
  });

  it('warm a stage’s table as its settings say (a new on-demand table starts at 4,000 write units/s)', () => {
    prod.template.hasResourceProperties('AWS::DynamoDB::Table', {
      WarmThroughput: { WriteUnitsPerSecond: 12000, ReadUnitsPerSecond: 12000 },
    });
    dev.template.hasResourceProperties('AWS::DynamoDB::Table', { WarmThroughput: Match.absent() });
  });

  it('send a stage’s alarms to its own recipients, and read its own secrets', () => {
    prod.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    dev.template.resourceCountIs('AWS::SNS::Subscription', 0);
    const parameters = (template: Template) =>
      JSON.stringify(template.findResources('AWS::IAM::Policy')).match(/parameter\/kontakt\/[a-z]+\//g) ?? [];
    expect(new Set(parameters(dev.template))).toEqual(new Set(['parameter/kontakt/dev/']));
    expect(new Set(parameters(prod.template))).toEqual(new Set(['parameter/kontakt/prod/']));
  });

  it('take their settings from cdk.json, which names no mail domain, and refuse a stage without one', () => {
    const cdkJson = JSON.parse(readFileSync('cdk.json', 'utf8'));
    expect(JSON.stringify(cdkJson)).not.toMatch(/mailDomain/);
    const { stack } = buildTestApp(
      {
        'kontakt:stage': 'review',
        'kontakt:mailDomain': '',
        'kontakt:stages': { review: { mailDomain: 'review.crm.example.com', retainData: false } },
      },
      { nag: false },
    );
    Template.fromStack(stack).hasOutput('MailMxRecord', {
      Description: Match.stringLikeRegexp('review.crm.example.com'),
    });
    expect(() => buildTestApp({ 'kontakt:stage': 'qa', 'kontakt:mailDomain': '' }, { nag: false })).toThrow(
      /stage qa names no mail domain/,
    );
    expect(() => buildTestApp({ 'kontakt:stage': '' }, { nag: false })).toThrow(/kontakt:stage is required/);
    expect(() => buildTestApp({ 'kontakt:stage': 'Prod_1' }, { nag: false })).toThrow(/lower-case letters/);
  });
});

describe('mail a stage sends', () => {
  it('comes from its domain’s SES identity with DKIM, whose records the stack prints', () => {
    for (const [{ template }, domain] of [
      [dev, 'dev.crm.example.com'],
      [prod, 'crm.example.com'],
    ] as const) {
      template.hasResourceProperties('AWS::SES::EmailIdentity', {
        EmailIdentity: domain,
        DkimSigningAttributes: Match.absent(),
      });
      for (const n of [1, 2, 3]) {
        template.hasOutput(`DkimRecord${n}`, { Description: Match.stringLikeRegexp(domain) });
      }
    }
  });

  it('leaves an SES identity the account has already to it', () => {
    const { stack } = buildTestApp({ ...stages.prod, 'kontakt:existingMailIdentity': true }, { nag: false });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SES::EmailIdentity', 0);
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      EmailConfiguration: Match.objectLike({ EmailSendingAccount: 'DEVELOPER' }),
    });
  });

  it('sends Cognito’s invitations and codes through SES from the stage’s domain once SES verified it', () => {
    // a first deploy: the domain's DKIM records are not in DNS yet, and Cognito refuses an unverified identity
    dev.template.hasResourceProperties('AWS::Cognito::UserPool', { EmailConfiguration: Match.absent() });
    prod.template.hasResourceProperties('AWS::Cognito::UserPool', {
      EmailConfiguration: Match.objectLike({
        EmailSendingAccount: 'DEVELOPER',
        From: 'Kontakt <no-reply@crm.example.com>',
        SourceArn: Match.anyValue(),
      }),
    });
  });

  it('leaves the hosted sign-in’s OAuth flows off unless a stage names where they return to', () => {
    dev.template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AllowedOAuthFlowsUserPoolClient: false,
      CallbackURLs: Match.absent(),
    });
    prod.template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      CallbackURLs: ['https://crm.example.com/signed-in'],
    });
    expect(() =>
      buildTestApp({ 'kontakt:stage': 'x', 'kontakt:oauthCallbackUrls': 'http://evil.example' }, { nag: false }),
    ).toThrow(/not an https address/);
  });
});

describe('browser clients', () => {
  it('get CORS on the user routes from the origins a stage allows, and a preflight route without authorizer', () => {
    prod.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ ALLOWED_ORIGINS: 'https://crm.example.com,https://app.example.com' }),
      },
    });
    expect(kontaktEnvironments(dev.template).filter((v) => v.ALLOWED_ORIGINS !== undefined)).toEqual([]);
    expect(kontaktEnvironments(dev.template).length).toBeGreaterThan(20);
    prod.template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'OPTIONS /v1/{proxy+}',
      AuthorizationType: 'NONE',
    });
    expect(() =>
      buildTestApp({ 'kontakt:stage': 'x', 'kontakt:allowedOrigins': 'https://crm.example.com/app' }, { nag: false }),
    ).toThrow(/not an origin/);
  });
});

describe('log levels', () => {
  it('are a stage’s own: INFO unless it says otherwise', () => {
    expect(new Set(kontaktEnvironments(dev.template).map((v) => v.POWERTOOLS_LOG_LEVEL))).toEqual(new Set(['INFO']));
    expect(new Set(kontaktEnvironments(prod.template).map((v) => v.POWERTOOLS_LOG_LEVEL))).toEqual(new Set(['WARN']));
    expect(() => buildTestApp({ 'kontakt:stage': 'x', 'kontakt:logLevel': 'chatty' }, { nag: false })).toThrow(
      /logLevel must be one of DEBUG, INFO, WARN, ERROR/,
    );
  });
});

describe('mail retention', () => {
  it('is the law’s by default and a stage’s own when it sets one, never below 6 years for linked mail', () => {
    const retentionEnv = (template: Template) =>
      kontaktEnvironments(template).filter((v) => v.MAIL_RETENTION_LINKED_YEARS !== undefined);
    const qa = Template.fromStack(
      buildTestApp(
        { 'kontakt:stage': 'qa', 'kontakt:mailRetention': '{"unlinkedDays":60}', 'kontakt:stages': {} },
        { nag: false },
      ).stack,
    );

    expect(retentionEnv(qa)).toEqual([
      expect.objectContaining({
        MAIL_RETENTION_LINKED_YEARS: '6',
        MAIL_RETENTION_UNLINKED_DAYS: '60',
        MAIL_RETENTION_QUARANTINED_DAYS: '30',
      }),
    ]);
    expect(() =>
      buildTestApp({ 'kontakt:stage': 'x', 'kontakt:mailRetention': '{"linkedYears":5}' }, { nag: false }),
    ).toThrow(/at least 6.*§ 257 HGB/);
    expect(() =>
      buildTestApp({ 'kontakt:stage': 'x', 'kontakt:mailRetention': '{"unlinkedDay":60}' }, { nag: false }),
    ).toThrow(/mailRetention has no unlinkedDay/);
  });
});

describe('cfn-lint', () => {
  it('finds no error in any stage’s template (it must be installed: the image has 1.51)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kontakt-cfn-lint-'));
    // every stack of both stages: prod's edge stack in us-east-1 too
    const files = [dev, prod].flatMap(({ app, stack, edgeStack }) =>
      [stack, ...(edgeStack ? [edgeStack] : [])].map((s) => {
        const file = join(dir, `${s.stackName}.template.json`);
        writeFileSync(file, JSON.stringify(app.synth().getStackByName(s.stackName).template));
        return file;
      }),
    );
    expect(files).toHaveLength(3);
    const run = spawnSync('cfn-lint', ['--format', 'parseable', ...files], { encoding: 'utf8' });
    if (run.error) throw new Error(`cfn-lint could not run (${run.error.message}): install it (pip install cfn-lint)`);
    const errors = run.stdout.split('\n').filter((line) => /:E\d{4}:/.test(line));
    expect(errors).toEqual([]);
    // its exit code is a bit set: 2 errors, 4 warnings, 8 notes; 1 means it failed to run
    expect(run.status === null ? 1 : run.status & 3).toBe(0);
  });
});
