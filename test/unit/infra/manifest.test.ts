import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  consumerOf,
  functionEntries,
  gatherFunctions,
  nounsOf,
  queueNames,
  routeKey,
} from '../../../infra/manifest.ts';

describe('the function manifest', () => {
  it('names entry files that exist', () => {
    for (const [, spec] of functionEntries()) expect(existsSync(resolve(spec.entry)), spec.entry).toBe(true);
  });

  it('names each entry file after its function, so a log group leads straight to its code', () => {
    for (const [name, spec] of functionEntries()) expect(basename(spec.entry)).toBe(`${name}.handler.ts`);
  });

  it('gives every queue exactly one consumer with a safe redrive and visibility timeout', () => {
    for (const queue of queueNames) {
      const consumers = functionEntries().filter(([, spec]) => spec.consumes?.queue === queue);
      expect(consumers, queue).toHaveLength(1);
      const [name, consumer] = consumerOf(queue);
      const spec = functionEntries().find(([n]) => n === name)?.[1];
      expect(consumer.maxReceiveCount).toBeGreaterThanOrEqual(5);
      expect(consumer.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(6 * (spec?.timeoutSeconds ?? Infinity));
      expect(consumer.batchSize).toBeGreaterThanOrEqual(1);
      expect(consumer.batchSize).toBeLessThanOrEqual(10);
    }
  });

  it('declares each route once, under /v1, throttled', () => {
    const routes = functionEntries().flatMap(([, spec]) => spec.routes ?? []);
    const keys = routes.map(routeKey);
    expect(new Set(keys).size).toBe(keys.length);
    for (const route of routes) {
      expect(route.path).toMatch(/^\/v1\//);
      expect(route.throttle, routeKey(route)).toBeDefined();
    }
  });

  it('lets the web-form submissions through at a campaign’s peak, limited per client in the function, and other public routes less', () => {
    const route = (key: string) =>
      functionEntries()
        .flatMap(([, spec]) => spec.routes ?? [])
        .find((r) => routeKey(r) === key);
    expect(route('POST /v1/webforms/{formKey}/submissions')?.throttle).toEqual({ rateLimit: 1_000, burstLimit: 2_000 });
    expect(route('GET /v1/webforms/{formKey}/embed.js')?.throttle).toEqual({ rateLimit: 20, burstLimit: 40 });
  });

  it('lets only functions that send to a queue know its URL', () => {
    for (const [name, spec] of functionEntries()) {
      for (const queue of spec.access.send ?? []) expect(queueNames, name).toContain(queue);
    }
  });
});

describe('gathering the nouns’ modules', () => {
  it('finds every noun folder of functions/ that has a module, and only those', () => {
    expect(nounsOf(resolve('functions'))).toEqual(
      expect.arrayContaining(['activities', 'contacts', 'duplicates', 'emails', 'inbox', 'openapi', 'webforms']),
    );
    expect(nounsOf(resolve('functions'))).not.toContain('shared');
    const fromModules = new Set(functionEntries().map(([, spec]) => spec.entry.split('/')[1]));
    expect([...fromModules].sort()).toEqual(nounsOf(resolve('functions')));
  });

  it('takes a new noun’s functions from its own folder, with nothing to add elsewhere', async () => {
    const root = mkdtempSync(join(tmpdir(), 'kontakt-nouns-'));
    try {
      mkdirSync(join(root, 'tickets'));
      mkdirSync(join(root, 'notes'));
      writeFileSync(
        join(root, 'tickets', 'tickets.module.ts'),
        `export default { functions: {
          'tickets-api': { entry: 'tickets-api.handler.ts', description: 'Tickets', timeoutSeconds: 10, memoryMb: 512,
            access: { table: 'readWrite', send: ['ticket-mail'] } },
          'ticket-mail-worker': { entry: 'ticket-mail-worker.handler.ts', description: 'Ticket mail', timeoutSeconds: 30,
            memoryMb: 512, access: { table: 'readWrite' },
            consumes: { queue: 'ticket-mail', batchSize: 5, visibilityTimeoutSeconds: 180, maxReceiveCount: 5 } },
        } };\n`,
      );
      // a folder without a module file declares no functions
      writeFileSync(join(root, 'notes', 'notes.routes.ts'), 'export const notesRoutes = {};\n');

      const gathered = await gatherFunctions(root);

      expect(Object.keys(gathered)).toEqual(['tickets-api', 'ticket-mail-worker']);
      expect(gathered['tickets-api']?.entry).toBe('functions/tickets/tickets-api.handler.ts');
      expect(gathered['ticket-mail-worker']?.consumes?.queue).toBe('ticket-mail');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('refuses a function name that two modules declare', async () => {
    const root = mkdtempSync(join(tmpdir(), 'kontakt-nouns-'));
    try {
      for (const noun of ['a', 'b']) {
        mkdirSync(join(root, noun));
        writeFileSync(
          join(root, noun, `${noun}.module.ts`),
          `export default { functions: { same: { entry: 'same.handler.ts', description: '', timeoutSeconds: 1, memoryMb: 128, access: {} } } };\n`,
        );
      }
      await expect(gatherFunctions(root)).rejects.toThrow('function same is declared twice (again in functions/b)');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
