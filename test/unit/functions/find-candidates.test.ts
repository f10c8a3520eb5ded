// The candidate finder reads the value counts only when a lookup found something that could become a
// candidate: most leads are new, and the worker's own entry, found through its own lookup items, is none.
import { describe, expect, it } from 'vitest';
import type { FoundRecord } from '../../../domain/duplicates/duplicate-check.ts';
import { contactLookups } from '../../../domain/duplicates/record-profiles.ts';
import { createCandidateFinder } from '../../../functions/duplicates/find-candidates.ts';
import type { FrequencyRead } from '../../../functions/duplicates/match-frequencies.ts';
import type { LookupResult } from '../../../functions/duplicates/match-lookups.ts';
import { keptReads } from '../../../functions/shared/kept-reads.ts';

const lead = contactLookups({ firstName: 'Erika', lastName: 'Mustermann', email: 'erika@example.de' });
const self: FoundRecord = { kind: 'inboxEntry', id: 'E1', profiles: lead.profiles };
const other: FoundRecord = { kind: 'person', id: 'P1', profiles: lead.profiles };

const finder = (found: FoundRecord[]) => {
  const counted: string[][] = [];
  const result: LookupResult = {
    found,
    requests: 2,
    largestLookup: found.length,
    consumedCapacity: 1,
    emptyLookups: 0,
    overCap: 0,
    stillOverCap: 0,
    knownCrowded: 0,
  };
  const find = createCandidateFinder(
    { find: async () => result },
    {
      read: async (values): Promise<FrequencyRead> => {
        counted.push([...values]);
        const { frequenciesFrom } = await import('../../../domain/duplicates/frequencies.ts');
        return { frequencies: frequenciesFrom(new Map()), requests: values.length, consumedCapacity: 0, emptyReads: 0 };
      },
    },
  );
  return { find, counted };
};

describe('finding candidates', () => {
  it('reads no value counts when only the entry itself was found', async () => {
    const { find, counted } = finder([self]);
    const candidates = await find(lead, { kinds: ['person', 'inboxEntry'], exclude: { kind: 'inboxEntry', id: 'E1' } });
    expect(candidates).toEqual([]);
    expect(counted).toEqual([]);
  });

  it('reads no value counts for records of kinds not searched for', async () => {
    const { find, counted } = finder([other]);
    expect(await find(lead, { kinds: ['company'] })).toEqual([]);
    expect(counted).toEqual([]);
  });

  it('reads the counts and ranks when another record was found', async () => {
    const { find, counted } = finder([self, other]);
    const candidates = await find(lead, { kinds: ['person', 'inboxEntry'], exclude: { kind: 'inboxEntry', id: 'E1' } });
    expect(counted).toHaveLength(1);
    expect(candidates.map((c) => `${c.kind}:${c.id}:${c.level}`)).toEqual(['person:P1:match']);
  });
});

describe('reads kept for a while', () => {
  it('answers a key from memory within its time, reads again after it, and never keeps a failure', async () => {
    let clock = 0;
    const kept = keptReads<number>({ ttlMs: 1_000, max: 2, now: () => clock });
    let reads = 0;
    const read = async () => {
      reads += 1;
      return reads;
    };
    expect(await kept.get('a', read)).toBe(1);
    expect(await kept.get('a', read)).toBe(1);
    clock = 1_000;
    expect(await kept.get('a', read)).toBe(2);
    await expect(kept.get('b', async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await kept.get('b', read)).toBe(3);
    // a third key pushes out the oldest
    expect(await kept.get('c', read)).toBe(4);
    expect(await kept.get('a', read)).toBe(5);
  });
});
