// Builds the Kontakt app for infrastructure tests: bundling skipped, so no handler is bundled and synth stays fast.
import { CfnElement, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { type BuildAppOptions, buildApp } from '../../infra/cdk/app.ts';

export const testMailDomain = 'crm.example.com';
export const testStage = 'test';
export const testRegion = 'eu-west-1';
export const testMailRetention = { linkedYears: 8, unlinkedDays: 90, quarantinedDays: 14 };

export const buildTestApp = (context: Record<string, unknown> = {}, options: BuildAppOptions = {}) =>
  buildApp(
    {
      'aws:cdk:bundling-stacks': [],
      'kontakt:region': testRegion,
      'kontakt:stage': testStage,
      'kontakt:mailDomain': testMailDomain,
      // periods of its own, so the tests see the stage's setting reach the stack
      'kontakt:stages': { [testStage]: { mailRetention: testMailRetention } },
      ...context,
    },
    options,
  );

/** The logical id CloudFormation knows a construct's resource by, to follow Ref and Fn::GetAtt in the template. */
export const logicalIdOf = (construct: IConstruct): string => {
  const cfn = construct.node.defaultChild;
  if (!(cfn instanceof CfnElement)) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return Stack.of(construct).getLogicalId(cfn);
};

export const ref = (construct: IConstruct) => ({ Ref: logicalIdOf(construct) });
export const arn = (construct: IConstruct) => ({ 'Fn::GetAtt': [logicalIdOf(construct), 'Arn'] });
