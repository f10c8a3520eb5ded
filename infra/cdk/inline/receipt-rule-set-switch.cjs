'use strict';
// CloudFormation custom resource (inline code, Node.js 24 runtime's AWS SDK): the stack's own SES receipt rule set.
// Create/Update with Activate=true: activate it unless another set is active (that one stays; Data.Active says);
// an Update that renames the set hands the activation over from the old name. Delete: deactivate it if active.
const run = async (event, ses) => {
  const name = event.ResourceProperties.RuleSetName;
  const before = event.OldResourceProperties?.RuleSetName;
  const active = await ses.active();
  if (event.RequestType === 'Delete') {
    if (active === name) await ses.activate(undefined);
    return { Active: 'false' };
  }
  const ours = active === name || (before !== undefined && active === before);
  if (event.ResourceProperties.Activate === 'true' && (active === null || ours)) {
    if (active !== name) await ses.activate(name);
    return { Active: 'true' };
  }
  return { Active: String(active === name) };
};
const respond = async (event, status, reason, data) => {
  const body = JSON.stringify({
    Status: status,
    Reason: `${reason} (log stream ${process.env.AWS_LAMBDA_LOG_STREAM_NAME})`.slice(0, 1000),
    PhysicalResourceId: event.ResourceProperties.RuleSetName,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Data: data,
  });
  const res = await fetch(event.ResponseURL, { method: 'PUT', body, headers: { 'content-type': '' } });
  if (!res.ok) throw new Error(`CloudFormation's response URL answered ${res.status}`);
};
const sesOf = () => {
  const sdk = require('@aws-sdk/client-ses');
  const client = new sdk.SESClient({});
  return {
    active: async () => (await client.send(new sdk.DescribeActiveReceiptRuleSetCommand({}))).Metadata?.Name ?? null,
    activate: (RuleSetName) => client.send(new sdk.SetActiveReceiptRuleSetCommand(RuleSetName ? { RuleSetName } : {})),
  };
};
exports.run = run;
exports.respond = respond;
exports.handler = async (event, _context, ses = undefined) => {
  try {
    const data = await run(event, ses ?? sesOf());
    await respond(event, 'SUCCESS', '', data);
  } catch (error) {
    console.error(error);
    await respond(event, 'FAILED', String(error?.message ?? error), {});
  }
};
