'use strict';
// CloudFormation custom resource (inline code, Node.js 24 runtime's AWS SDK): the stack's own SES receipt rule set.
// Create/Update with Activate=true: activate it unless another set is active (that one stays; Data.Active says).
// Delete: deactivate it if it is the active one, so CloudFormation can delete it.
const run = async (event, ses) => {
  const name = event.ResourceProperties.RuleSetName;
  const active = await ses.active();
  if (event.RequestType === 'Delete') {
    if (active === name) await ses.activate(undefined);
    return { Active: 'false' };
  }
  if (event.ResourceProperties.Activate === 'true' && (active === null || active === name)) {
    if (active !== name) await ses.activate(name);
    return { Active: 'true' };
  }
  return { Active: String(active === name) };
};
exports.run = run;
exports.handler = async (event) => {
  const sdk = require('@aws-sdk/client-ses');
  const client = new sdk.SESClient({});
  const ses = {
    active: async () => (await client.send(new sdk.DescribeActiveReceiptRuleSetCommand({}))).Metadata?.Name ?? null,
    activate: (RuleSetName) => client.send(new sdk.SetActiveReceiptRuleSetCommand(RuleSetName ? { RuleSetName } : {})),
  };
  let status = 'SUCCESS';
  let reason = '';
  let data = {};
  try {
    data = await run(event, ses);
  } catch (error) {
    status = 'FAILED';
    reason = String(error?.message ?? error);
  }
  const body = JSON.stringify({
    Status: status,
    Reason: `${reason} (log stream ${process.env.AWS_LAMBDA_LOG_STREAM_NAME})`,
    PhysicalResourceId: event.ResourceProperties.RuleSetName,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Data: data,
  });
  await fetch(event.ResponseURL, { method: 'PUT', body, headers: { 'content-type': '' } });
};
