// The cdk-nag IAM5 findings that CDK's grants raise by design, named exactly as cdk-nag names them so each is acknowledged one by one.

import type { Acknowledgment } from 'aws-cdk-lib';
import { CfnElement, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { Access, StreamConsumer } from '../manifest.ts';

/** cdk-nag renders `Fn::GetAtt [X, Arn]` as `<X.Arn>` in a finding's id. */
const arnOf = (resource: IConstruct): string => {
  const cfn = resource.node.defaultChild;
  if (!(cfn instanceof CfnElement)) throw new Error(`${resource.node.path} has no CloudFormation resource`);
  return `<${Stack.of(resource).getLogicalId(cfn)}.Arn>`;
};

const iam5 = (finding: string, reason: string): Acknowledgment => ({ id: `AwsSolutions-IAM5[${finding}]`, reason });

/**
 * The wildcard findings of the grants a function's `access` asks for: every one of them is scoped
 * to the single table or the single mail bucket of this stack.
 */
export const iam5Findings = (
  access: Access,
  table: IConstruct,
  mailBucket: IConstruct,
  consumesStream?: StreamConsumer,
): Acknowledgment[] => {
  const findings: Acknowledgment[] = [
    iam5(
      'Resource::*',
      consumesStream
        ? 'X-Ray’s PutTraceSegments and PutTelemetryRecords, and dynamodb:ListStreams, have no resource to scope them to; reading the stream itself is granted on this table’s stream only.'
        : 'X-Ray’s PutTraceSegments and PutTelemetryRecords (active tracing) have no resource to scope them to.',
    ),
  ];
  // a TableGrant names the table alone, no index
  if (access.table === 'read' || access.table === 'readWrite') {
    findings.push(
      iam5(
        `Resource::${arnOf(table)}/index/*`,
        'The table grant covers the indexes of this one table (gsi1–gsi3), which its queries use.',
      ),
    );
  }
  const prefixes = [...(access.mailBucket?.read ?? []), ...(access.mailBucket?.readWrite ?? [])];
  if (prefixes.length > 0) {
    const bucketReason =
      'CDK’s bucket grant, scoped to the objects of this one mail bucket under the function’s prefixes.';
    findings.push(
      iam5('Action::s3:GetObject*', bucketReason),
      iam5('Action::s3:GetBucket*', bucketReason),
      iam5('Action::s3:List*', bucketReason),
      ...prefixes.map((prefix) =>
        iam5(
          `Resource::${arnOf(mailBucket)}/${prefix}*`,
          `Objects under ${prefix} have keys chosen at run time (message ids, hashes, upload ids).`,
        ),
      ),
    );
  }
  if ((access.mailBucket?.readWrite?.length ?? 0) > 0) {
    const writeReason =
      'CDK’s read-write bucket grant, scoped to this one mail bucket: the worker replaces and aborts its own uploads.';
    findings.push(iam5('Action::s3:DeleteObject*', writeReason), iam5('Action::s3:Abort*', writeReason));
  }
  return findings;
};
