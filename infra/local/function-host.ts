/** Loads the manifest's handlers in-process and invokes them the way Lambda does: a context, a timeout. */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { type FunctionName, type FunctionSpec, functionSpec } from '../manifest.ts';

export type Handler = (event: unknown, context: Context) => Promise<unknown>;

export class FunctionTimeoutError extends Error {
  override readonly name = 'FunctionTimeoutError';
}

const isHandler = (value: unknown): value is Handler => typeof value === 'function';

export const createFunctionHost = (root: string) => {
  const loaded = new Map<FunctionName, Handler>();

  const load = async (name: FunctionName): Promise<Handler> => {
    const cached = loaded.get(name);
    if (cached) return cached;
    const spec: FunctionSpec = functionSpec(name);
    const module: Record<string, unknown> = await import(pathToFileURL(resolve(root, spec.entry)).href);
    const handler = module.handler;
    if (!isHandler(handler)) throw new Error(`${spec.entry} exports no handler`);
    loaded.set(name, handler);
    return handler;
  };

  /** Runs a handler with Lambda's context; past the function's timeout the invocation fails, as in AWS. */
  const invoke = async (name: FunctionName, event: unknown): Promise<unknown> => {
    const handler = await load(name);
    const spec: FunctionSpec = functionSpec(name);
    const deadline = Date.now() + spec.timeoutSeconds * 1000;
    const context: Context = {
      callbackWaitsForEmptyEventLoop: false,
      functionName: `kontakt-${name}`,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:eu-west-1:000000000000:function:kontakt-${name}`,
      memoryLimitInMB: String(spec.memoryMb),
      awsRequestId: randomUUID(),
      logGroupName: `/aws/lambda/kontakt-${name}`,
      logStreamName: 'local',
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new FunctionTimeoutError(`${name} timed out after ${spec.timeoutSeconds} s`)),
        spec.timeoutSeconds * 1000,
      );
    });
    try {
      return await Promise.race([handler(event, context), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  return { load, invoke };
};

export type FunctionHost = ReturnType<typeof createFunctionHost>;
