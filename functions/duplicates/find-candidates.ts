/** A duplicate check: read the lookup partitions of a probe's keys (a bounded number of Queries) and rank what they hold. */
import { rankCandidates } from '../../domain/duplicates/duplicate-check.ts';
import type { RecordLookups } from '../../domain/duplicates/record-profiles.ts';
import type { Candidate, CandidateKind } from '../../domain/inbox/inbox-entry.ts';
import type { LookupReader } from '../adapters/match-lookups.ts';
import { logger } from '../shared/logger.ts';

export type CandidateSearch = { kinds: readonly CandidateKind[]; exclude?: { kind: CandidateKind; id: string } };

export type FindCandidates = (lookups: RecordLookups, search: CandidateSearch) => Promise<Candidate[]>;

export const allKinds: readonly CandidateKind[] = ['person', 'company', 'inboxEntry'];

export const createCandidateFinder =
  (reader: Pick<LookupReader, 'find'>): FindCandidates =>
  async (lookups, search) => {
    if (lookups.keys.length === 0) return [];
    const result = await reader.find(lookups.keys);
    // the largest lookup is the figure that shows whether a key stays selective as data grows
    logger.debug('duplicate lookups', {
      keys: lookups.keys.length,
      requests: result.requests,
      largestLookup: result.largestLookup,
      consumedCapacity: result.consumedCapacity,
    });
    return rankCandidates(lookups.profiles, result.found, search);
  };
