import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { consumerOf, functionEntries, queueNames, routeKey } from '../../../infra/manifest.ts';

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

  it('lets only functions that send to a queue know its URL', () => {
    for (const [name, spec] of functionEntries()) {
      for (const queue of spec.access.send ?? []) expect(queueNames, name).toContain(queue);
    }
  });
});
