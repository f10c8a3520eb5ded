// Reminder mail in the template: only functions with access.sendEmail may send, only as the reminder sender of the mail domain's SES identity.
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { KontaktStack } from '../../infra/cdk/kontakt-stack.ts';
import { type FunctionName, functionEntries } from '../../infra/manifest.ts';
import { buildTestApp, logicalIdOf, ref, testMailDomain, testRegion } from './synth-kontakt.ts';

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

const FunctionResource = z.object({
  Properties: z.object({ Environment: z.object({ Variables: z.record(z.string(), z.unknown()) }) }),
});

const variablesOf = (name: FunctionName): Record<string, unknown> =>
  FunctionResource.parse(template.toJSON().Resources[logicalIdOf(functionOf(name).fn)]).Properties.Environment
    .Variables;

const sendEmailStatement = Match.objectLike({ Action: 'ses:SendEmail' });

const policiesOf = (name: FunctionName) =>
  template.findResources('AWS::IAM::Policy', {
    Properties: {
      Roles: [ref(functionOf(name).role)],
      PolicyDocument: { Statement: Match.arrayWith([sendEmailStatement]) },
    },
  });

const senders = functionEntries().filter(([, spec]) => spec.access.sendEmail);
const others = functionEntries().filter(([, spec]) => !spec.access.sendEmail);

describe('reminder mail', () => {
  it('is sent by the reminder jobs', () => {
    expect(senders.map(([name]) => name)).toEqual(expect.arrayContaining(['activity-reminders', 'ticket-reminders']));
  });

  it.each(senders)('lets %s send as kontakt@ the mail domain, through its SES identity only', (name) => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [ref(functionOf(name).role)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: 'ses:SendEmail',
            Resource: {
              'Fn::Join': ['', Match.arrayWith([`:ses:${testRegion}:`, `:identity/${testMailDomain}`])],
            },
            Condition: { StringEquals: { 'ses:FromAddress': `kontakt@${testMailDomain}` } },
          },
        ]),
      },
    });
    expect(variablesOf(name).REMINDER_SENDER).toBe(`kontakt@${testMailDomain}`);
  });

  it.each(others)('gives %s no right to send mail and no sender', (name) => {
    expect(Object.keys(policiesOf(name))).toEqual([]);
    expect(variablesOf(name).REMINDER_SENDER).toBeUndefined();
  });
});
