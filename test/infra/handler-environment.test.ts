// Every handler must start with exactly the environment the stack gives its function, or it fails at cold start in AWS.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Template } from 'aws-cdk-lib/assertions';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { repoRoot } from '../../infra/cdk/kontakt-function.ts';
import type { KontaktStack } from '../../infra/cdk/kontakt-stack.ts';
import { type FunctionName, functionEntries } from '../../infra/manifest.ts';
import { buildTestApp, logicalIdOf } from './synth-kontakt.ts';

const FunctionResource = z.object({
  Properties: z.object({ Environment: z.object({ Variables: z.record(z.string(), z.unknown()) }) }),
});

/** Variables the stack sets; any of them inherited from the test runner would hide a missing one. */
const stackVariable = /^(TABLE_NAME|MAIL_BUCKET|MAIL_DOMAIN|REMINDER_SENDER|QUEUE_URL_.*)$/;

let stack: KontaktStack;
let template: Template;
const runnerEnv = process.env;

beforeAll(() => {
  stack = buildTestApp({}, { nag: false }).stack;
  template = Template.fromStack(stack);
});

afterEach(() => {
  process.env = runnerEnv;
});

/** The function's variables as the handler would see them, with CloudFormation references replaced by stand-ins. */
const environmentOf = (name: FunctionName): Record<string, string> => {
  const fn = stack.functions.get(name)?.fn;
  if (!fn) throw new Error(`no function ${name}`);
  const resource = FunctionResource.parse(template.toJSON().Resources[logicalIdOf(fn)]);
  return Object.fromEntries(
    Object.entries(resource.Properties.Environment.Variables).map(([key, value]) => [
      key,
      typeof value === 'string' ? value : `stand-in-${key.toLowerCase()}`,
    ]),
  );
};

describe('handler environment', () => {
  it.each(functionEntries())('%s loads with the environment its function gets', async (name, spec) => {
    const inherited = Object.fromEntries(Object.entries(runnerEnv).filter(([key]) => !stackVariable.test(key)));
    process.env = { ...inherited, AWS_REGION: 'eu-west-1', ...environmentOf(name) };

    const handlerModule: unknown = await import(pathToFileURL(join(repoRoot, spec.entry)).href);

    expect(handlerModule).toHaveProperty('handler');
  });
});
