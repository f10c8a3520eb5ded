// The CDK app: the Kontakt stack in the SES receiving region, checked by cdk-nag's AwsSolutions pack on every synth.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { checkedMailRetention, type MailRetention } from '../../domain/emails/mail-retention.ts';
import { defaultEdgeSettings, type EdgeSettings, KontaktEdgeStack } from './kontakt-edge.ts';
import { type LogLevelName, logLevels } from './kontakt-function.ts';
import { KontaktStack } from './kontakt-stack.ts';

/** SES receives mail only in some regions; eu-west-1 is one of them. */
const defaultRegion = 'eu-west-1';

/**
 * Feature flags this app relies on. CLI and cdk.json context still win; these only fill the gaps so
 * that tests, which build the app without the CLI, synthesize the same template.
 */
const appDefaults: Record<string, unknown> = {
  // Log delivery writes through a bucket policy, not an ACL (ACLs are off on new buckets).
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
};

export type BuildAppOptions = {
  /** run cdk-nag during synth (default true); template tests that check nag separately switch it off */
  nag?: boolean;
};

const optionalString = (app: App, key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new Error(`context ${key} must be a string`);
  return value;
};

/**
 * A stage's settings: `kontakt:stages.<stage>` in cdk.json (or `-c`), each overridable by a flat
 * `-c kontakt:<key>=…` for one deploy. Nothing has a default that could reach real mail: a stage
 * names its own mail domain.
 */
export type StageSettings = {
  mailDomain: string;
  alarmEmail?: string | undefined;
  existingRuleSetName?: string | undefined;
  /** activate the stack's own rule set when the region has none active; default true */
  activateRuleSet: boolean;
  /** keep the table (deletion protection) and the user pool when the stack goes; default true */
  retainData: boolean;
  /** the table's warm throughput (a new on-demand table starts at 4,000 write units/s) */
  warmWriteUnitsPerSecond?: number | undefined;
  warmReadUnitsPerSecond?: number | undefined;
  facebookConfigParameter: string;
  recordAddressKeyParameter: string;
  indexMigrationStep?: number | undefined;
  /** where Cognito's hosted sign-in may return to (https addresses); none: OAuth off */
  oauthCallbackUrls?: readonly string[] | undefined;
  /** browser origins whose clients may call the user routes (CORS), e.g. https://crm.example.com */
  allowedOrigins?: readonly string[] | undefined;
  /** the mail domain is an SES identity of the account already: the stack does not create it */
  existingMailIdentity: boolean;
  /** set once SES has verified the mail domain (its DKIM records are in DNS): Cognito then mails through SES */
  mailDomainVerified: boolean;
  /** how long received mail is kept by its status; unset parts take domain/emails/mail-retention.ts's defaults */
  mailRetention: MailRetention;
  /** the functions' log level: DEBUG, INFO (default), WARN or ERROR */
  logLevel: LogLevelName;
  /** CloudFront and WAF before the web-form routes (infra/cdk/kontakt-edge.ts); none: the API's own address */
  edge?: EdgeSettings | undefined;
};

const logLevelOf = (value: string | undefined): LogLevelName => {
  const level = (value ?? 'INFO').toUpperCase();
  if (!(logLevels as readonly string[]).includes(level)) {
    throw new Error(`the stage setting logLevel must be one of ${logLevels.join(', ')}`);
  }
  return level as LogLevelName;
};

/** `mailRetention`: an object in cdk.json, or its JSON with -c; checked against the law's minimum. */
const mailRetentionOf = (value: unknown): MailRetention => {
  if (value === undefined || value === null || value === '') return checkedMailRetention({});
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(
      'the stage setting mailRetention must be an object: { linkedYears, unlinkedDays, quarantinedDays }',
    );
  }
  const known = ['linkedYears', 'unlinkedDays', 'quarantinedDays'];
  const unknown = Object.keys(parsed).filter((key) => !known.includes(key));
  if (unknown.length > 0) throw new Error(`the stage setting mailRetention has no ${unknown.join(', ')}`);
  return checkedMailRetention(parsed as Partial<MailRetention>);
};

/**
 * `edge`: `true` for CloudFront's own address, or `{ domainName, certificateArn, rateLimitPer5Minutes,
 * embedCacheSeconds }` (JSON with -c); absent or false: no edge.
 */
const edgeOf = (value: unknown): EdgeSettings | undefined => {
  if (value === undefined || value === null || value === '' || value === false || value === 'false') return undefined;
  const parsed: unknown =
    value === true || value === 'true' ? {} : typeof value === 'string' ? JSON.parse(value) : value;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(
      'the stage setting edge must be true or an object: { domainName, certificateArn, rateLimitPer5Minutes, embedCacheSeconds }',
    );
  }
  const given = parsed as Record<string, unknown>;
  const known = ['domainName', 'certificateArn', 'rateLimitPer5Minutes', 'embedCacheSeconds'];
  const unknown = Object.keys(given).filter((key) => !known.includes(key));
  if (unknown.length > 0) throw new Error(`the stage setting edge has no ${unknown.join(', ')}`);
  const settings: EdgeSettings = {
    ...defaultEdgeSettings,
    ...(given as Partial<EdgeSettings>),
  };
  if (
    settings.certificateArn !== undefined &&
    !/^arn:aws[\w-]*:acm:us-east-1:\d{12}:certificate\//.test(settings.certificateArn)
  ) {
    throw new Error(
      'the stage setting edge.certificateArn must be an ACM certificate in us-east-1 (CloudFront takes no other)',
    );
  }
  if (settings.certificateArn !== undefined && settings.domainName === undefined) {
    throw new Error('the stage setting edge.certificateArn needs edge.domainName, the domain it is for');
  }
  // WAF's rate rules count from 10 requests per window
  if (!Number.isInteger(settings.rateLimitPer5Minutes) || settings.rateLimitPer5Minutes < 10) {
    throw new Error('the stage setting edge.rateLimitPer5Minutes must be a whole number ≥ 10');
  }
  if (
    !Number.isInteger(settings.embedCacheSeconds) ||
    settings.embedCacheSeconds < 1 ||
    settings.embedCacheSeconds > 3
  ) {
    throw new Error(
      'the stage setting edge.embedCacheSeconds must be 1–3: each script carries a fill-time token, and a cached one takes that much off the minimum fill time',
    );
  }
  return settings;
};

/** A stage's name: part of the stack's and every queue's name, so short, lower case, a letter first. */
const stagePattern = /^[a-z][a-z0-9-]{0,19}$/;

const stageSettingsOf = (app: App, stage: string): StageSettings => {
  const stages: unknown = app.node.tryGetContext('kontakt:stages') ?? {};
  if (typeof stages !== 'object' || stages === null) throw new Error('context kontakt:stages must be an object');
  const own: unknown = (stages as Record<string, unknown>)[stage] ?? {};
  if (typeof own !== 'object' || own === null) throw new Error(`context kontakt:stages.${stage} must be an object`);
  const fromStage = own as Record<string, unknown>;
  const setting = (key: string): unknown => {
    const flat: unknown = app.node.tryGetContext(`kontakt:${key}`);
    return flat === undefined || flat === null || flat === '' ? fromStage[key] : flat;
  };
  const text = (key: string): string | undefined => {
    const value = setting(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw new Error(`the stage setting ${key} must be a string`);
    return value;
  };
  const number = (key: string): number | undefined => {
    const value = setting(key);
    if (value === undefined || value === null || value === '') return undefined;
    const n = typeof value === 'number' ? value : Number(value);
    if (!Number.isFinite(n)) throw new Error(`the stage setting ${key} must be a number`);
    return n;
  };
  /** a list from cdk.json, or comma-separated from -c */
  const urls = (key: string): string[] | undefined => {
    const value = setting(key);
    if (value === undefined || value === null || value === '') return undefined;
    const list = Array.isArray(value) ? value : String(value).split(',');
    const out = list.map((v) => String(v).trim()).filter((v) => v !== '');
    for (const url of out) {
      if (!/^https:\/\/[^\s/]+/.test(url) && !/^http:\/\/localhost(:\d+)?(\/|$)/.test(url)) {
        throw new Error(`the stage setting ${key}: ${url} is not an https address (http only for localhost)`);
      }
    }
    return out;
  };
  /** origins: a scheme and a host (and port), nothing after */
  const origins = (key: string): string[] | undefined => {
    const list = urls(key);
    for (const origin of list ?? []) {
      if (!/^https?:\/\/[^/\s]+$/.test(origin))
        throw new Error(`the stage setting ${key}: ${origin} is not an origin (https://host, no path)`);
    }
    return list;
  };
  const mailDomain = text('mailDomain');
  if (!mailDomain) {
    throw new Error(
      `stage ${stage} names no mail domain: set kontakt:stages.${stage}.mailDomain in cdk.json (or -c kontakt:mailDomain=…), a domain (or subdomain) of yours whose mail SES receives for this stage`,
    );
  }
  const flag = (key: string, fallback: boolean): boolean => {
    const value = setting(key);
    if (value === undefined || value === null || value === '') return fallback;
    return value === true || value === 'true';
  };
  return {
    mailDomain,
    alarmEmail: text('alarmEmail'),
    existingRuleSetName: text('existingRuleSetName'),
    retainData: flag('retainData', true),
    activateRuleSet: flag('activateRuleSet', true),
    warmWriteUnitsPerSecond: number('warmWriteUnitsPerSecond'),
    warmReadUnitsPerSecond: number('warmReadUnitsPerSecond'),
    facebookConfigParameter: text('facebookConfigParameter') ?? `/kontakt/${stage}/facebook`,
    recordAddressKeyParameter: text('recordAddressKeyParameter') ?? `/kontakt/${stage}/record-address-key`,
    indexMigrationStep: number('indexMigrationStep'),
    oauthCallbackUrls: urls('oauthCallbackUrls'),
    allowedOrigins: origins('allowedOrigins'),
    mailDomainVerified: flag('mailDomainVerified', false),
    existingMailIdentity: flag('existingMailIdentity', false),
    mailRetention: mailRetentionOf(setting('mailRetention')),
    edge: edgeOf(setting('edge')),
    logLevel: logLevelOf(text('logLevel')),
  };
};

export const buildApp = (context: Record<string, unknown> = {}, options: BuildAppOptions = {}) => {
  const app = new App({ context: { ...appDefaults, ...context } });
  const stage = optionalString(app, 'kontakt:stage');
  if (!stage) {
    throw new Error(
      'context kontakt:stage is required: cdk deploy -c kontakt:stage=<name> (stages deploy side by side)',
    );
  }
  if (!stagePattern.test(stage)) {
    throw new Error(`stage ${stage}: lower-case letters, digits and dashes, a letter first, at most 20`);
  }
  const { edge: edgeSettings, ...settings } = stageSettingsOf(app, stage);
  const region = optionalString(app, 'kontakt:region') ?? defaultRegion;
  // CloudFront takes its web ACL and certificate from us-east-1 only: a stack of their own there
  const edgeStack = edgeSettings
    ? new KontaktEdgeStack(app, `Kontakt-${stage}-edge`, {
        env: { region: 'us-east-1' },
        crossRegionReferences: true,
        description: `Kontakt CRM backend, stage ${stage}: the edge's WAF web ACL (and certificate), in us-east-1 for CloudFront`,
        stage,
        settings: edgeSettings,
      })
    : undefined;
  const stack = new KontaktStack(app, `Kontakt-${stage}`, {
    env: { region },
    ...(edgeStack && edgeSettings
      ? {
          crossRegionReferences: true,
          edge: { settings: edgeSettings, webAclArn: edgeStack.webAcl.attrArn, certificate: edgeStack.certificate },
        }
      : {}),
    description: `Kontakt CRM backend, stage ${stage}: HTTP API, workers, single table, Smart BCC mail receiving`,
    stage,
    ...settings,
  });
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack, edgeStack };
};

if (import.meta.main) buildApp().app.synth();
