// The CDK app: the Kontakt stack in the SES receiving region, checked by cdk-nag's AwsSolutions pack on every synth.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
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

const optionalNumber = (app: App, key: string): number | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(number)) throw new Error(`context ${key} must be a number`);
  return number;
};

export const buildApp = (context: Record<string, unknown> = {}, options: BuildAppOptions = {}) => {
  const app = new App({ context: { ...appDefaults, ...context } });
  const mailDomain = optionalString(app, 'kontakt:mailDomain');
  if (!mailDomain) throw new Error('context kontakt:mailDomain is required (the domain Smart BCC receives for)');

  const stack = new KontaktStack(app, 'Kontakt', {
    env: { region: optionalString(app, 'kontakt:region') ?? defaultRegion },
    description: 'Kontakt CRM backend: HTTP API, workers, single table, Smart BCC mail receiving',
    mailDomain,
    existingRuleSetName: optionalString(app, 'kontakt:existingRuleSetName'),
    alarmEmail: optionalString(app, 'kontakt:alarmEmail'),
    facebookConfigParameter: optionalString(app, 'kontakt:facebookConfigParameter'),
    recordAddressKeyParameter: optionalString(app, 'kontakt:recordAddressKeyParameter'),
    indexMigrationStep: optionalNumber(app, 'kontakt:indexMigrationStep'),
  });
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
};

if (import.meta.main) buildApp().app.synth();
