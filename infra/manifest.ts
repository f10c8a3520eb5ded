/**
 * The one list of Kontakt's functions, routes, queues and schedules, gathered from the nouns'
 * modules (`functions/<noun>/<noun>.module.ts`, each declaring its own functions). The CDK app and
 * the local runtime both read it, so the cloud and the local stack cannot drift apart, and a new
 * noun adds its module without touching this file: every folder of `functions/` with a module file
 * is found, in name order.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { AnyRouteSpec } from '../functions/shared/http.ts';
import type {
  Consumer,
  FunctionSpec,
  NounModule,
  QueueName,
  Route,
  StreamConsumer,
} from '../functions/shared/module.ts';

export type {
  Access,
  Auth,
  Consumer,
  FunctionSpec,
  HttpMethod,
  ItemsOf,
  QueueName,
  Route,
  StreamConsumer,
  TableGrant,
} from '../functions/shared/module.ts';

/** The folders under `root` with a `<noun>.module.ts`, in name order. */
export const nounsOf = (root: string): string[] =>
  readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, `${d.name}.module.ts`)))
    .map((d) => d.name)
    .sort();

/**
 * Every function the nouns under `root` declare: each folder with a `<noun>.module.ts`, in name
 * order, its entries made relative to the repository (`functions/<noun>/<entry>`). A name declared
 * twice fails.
 */
export const gatherFunctions = async (root: string): Promise<Record<string, FunctionSpec>> => {
  const gathered: Record<string, FunctionSpec> = {};
  for (const noun of nounsOf(root)) {
    const loaded: { default?: NounModule } = await import(pathToFileURL(join(root, noun, `${noun}.module.ts`)).href);
    if (!loaded.default?.functions) throw new Error(`functions/${noun}/${noun}.module.ts has no default module`);
    for (const [name, spec] of Object.entries(loaded.default.functions)) {
      if (gathered[name]) throw new Error(`function ${name} is declared twice (again in functions/${noun})`);
      // a module names its entry relative to its folder: it can only deploy its own handlers
      gathered[name] = { ...spec, entry: `functions/${noun}/${spec.entry}` };
    }
  }
  return gathered;
};

/** Every function by its deployed name (`kontakt-<name>`). */
export const functions: Readonly<Record<string, FunctionSpec>> = await gatherFunctions(
  fileURLToPath(new URL('../functions/', import.meta.url)),
);

export type FunctionName = string;

/** The spec of a function by name; an unknown name is a programming error. */
export const functionSpec = (name: FunctionName): FunctionSpec => {
  const spec = functions[name];
  if (!spec) throw new Error(`no function is called ${name}`);
  return spec;
};

/** The work queues: each one some function consumes (every queue has a DLQ and exactly one consumer). */
export const queueNames: readonly QueueName[] = Object.values(functions).flatMap((spec) =>
  spec.consumes ? [spec.consumes.queue] : [],
);
{
  const twice = queueNames.filter((queue, i) => queueNames.indexOf(queue) !== i);
  if (twice.length > 0) throw new Error(`queues consumed by more than one function: ${twice.join(', ')}`);
}

/** The queue the SES receipt function's failed asynchronous invocations land in (its on-failure destination). */
export const sesReceiptFailureQueue = 'ses-receipt-failures';

/** The queue a scheduled function's failed runs land in (its on-failure destination), with the schedule's event. */
export const scheduleFailureQueue = 'schedule-failures';

/** The queue the table stream's records land in when their consumer keeps failing on them (its on-failure destination). */
export const streamFailureQueue = 'stream-failures';

/** The function that consumes the table's stream; exactly one. */
export const streamConsumer = (): [FunctionName, StreamConsumer] => {
  const found = functionEntries().filter(([, spec]) => spec.consumesStream !== undefined);
  const [only] = found;
  if (found.length !== 1 || !only?.[1].consumesStream)
    throw new Error('exactly one function must consume the table stream');
  return [only[0], only[1].consumesStream];
};

export const dlqName = (queue: string): string => `${queue}-dlq`;

export { queueMaxReceivesVariable, queueUrlVariable } from '../functions/shared/env.ts';

export const functionEntries = (): [FunctionName, FunctionSpec][] => Object.entries(functions);

/** The consumer of each queue; exactly one per queue. */
export const consumerOf = (queue: QueueName): [FunctionName, Consumer] => {
  const found = functionEntries().find(([, spec]) => spec.consumes?.queue === queue);
  if (!found?.[1].consumes) throw new Error(`no function consumes ${queue}`);
  return [found[0], found[1].consumes];
};

export const routeKey = (route: Route): string => `${route.method} ${route.path}`;

/** Every route's contract by `<METHOD> <path>`, as the modules deploy them: what the OpenAPI document describes. */
export const apiRoutes = (): Record<string, AnyRouteSpec> =>
  Object.fromEntries(functionEntries().flatMap(([, spec]) => (spec.routes ?? []).map((r) => [routeKey(r), r.spec])));
