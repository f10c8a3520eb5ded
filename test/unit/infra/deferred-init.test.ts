// What modules defer from a cold start (the phone numbering plan) must be loaded before any work:
// every function's handler goes through a wrapper that awaits it, or awaits it itself; and a
// module that reads the plan before it is loaded fails loudly instead of answering wrongly.
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { functionEntries } from '../../../infra/manifest.ts';

/** The shared wrappers that await `initDeferred()` before a handler's work (functions/shared/http.ts, sqs.ts). */
const wrappers = /\b(httpRouter|createHttpRouter|sqsHandler)\(/;

describe('deferred initialisation', () => {
  it('is awaited by every function before its work', () => {
    const missing = functionEntries()
      .filter(([, spec]) => {
        const source = readFileSync(spec.entry, 'utf8');
        return !wrappers.test(source) && !/await initDeferred\(\)/.test(source);
      })
      .map(([name]) => name);

    expect(functionEntries().length).toBeGreaterThan(10);
    expect(missing).toEqual([]);
  });

  it('reads no phone number before the numbering plan is loaded, and every one after', async () => {
    vi.resetModules();
    const phones = await import('../../../domain/duplicates/normalise-phone.ts');
    const deferred = await import('../../../domain/shared/deferred-init.ts');

    expect(() => phones.normalisePhone('0221 1234567')).toThrow(/numbering plan is not loaded/);
    await deferred.initDeferred();
    expect(phones.normalisePhone('0221 1234567')).toBe('+492211234567');
    expect(phones.isMobileNumber('+4915112345678')).toBe(true);
  });
});
