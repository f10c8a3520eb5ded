// The submission route reads a form once per half minute and container, not once per lead.
import { describe, expect, it } from 'vitest';
import { cachedForms } from '../../../functions/webforms/cached-forms.ts';
import type { StoredWebform } from '../../../functions/webforms/webform.repository.ts';

const stored = (name: string) => ({ form: { key: 'demo', name }, signingSecret: 's' }) as unknown as StoredWebform;

describe('the forms a submission container keeps', () => {
  it('reads a form once within the time it is kept, again after it, and unknown keys alike', async () => {
    let clock = 0;
    const reads: string[] = [];
    let name = 'first';
    const forms = cachedForms(
      {
        get: async (key) => {
          reads.push(key);
          return key === 'demo' ? stored(name) : null;
        },
      },
      { ttlMs: 30_000, now: () => clock },
    );

    const first = await forms.get('demo');
    name = 'changed';
    clock = 29_999;
    const kept = await forms.get('demo');
    const unknown = [await forms.get('nope'), await forms.get('nope')];
    clock = 30_000;
    const fresh = await forms.get('demo');

    expect(first?.form.name).toBe('first');
    expect(kept?.form.name).toBe('first');
    expect(unknown).toEqual([null, null]);
    expect(fresh?.form.name).toBe('changed');
    expect(reads).toEqual(['demo', 'nope', 'demo']);
  });

  it('keeps no failed read, and no more forms than its bound', async () => {
    let fail = true;
    const reads: string[] = [];
    const forms = cachedForms(
      {
        get: async (key) => {
          reads.push(key);
          if (fail) throw new Error('throttled');
          return stored(key);
        },
      },
      { maxForms: 2, now: () => 0 },
    );

    await expect(forms.get('a')).rejects.toThrow('throttled');
    fail = false;
    await forms.get('a');
    await forms.get('b');
    await forms.get('c');
    await forms.get('a');

    // a failed, read again; a pushed out by c, read again
    expect(reads).toEqual(['a', 'a', 'b', 'c', 'a']);
  });
});
