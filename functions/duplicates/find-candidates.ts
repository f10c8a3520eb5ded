/**
 * A duplicate check: read the lookup partitions of a probe's keys and the counters of its values (a
 * bounded number of requests, in parallel), and rank what the lookups hold with weights from the counts.
 */

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { anyRankable, rankCandidates } from '../../domain/duplicates/duplicate-check.ts';
import { probeCountedValues } from '../../domain/duplicates/frequencies.ts';
import type { RecordLookups } from '../../domain/duplicates/record-profiles.ts';
import type { Candidate, CandidateKind } from '../../domain/inbox/inbox-entry.ts';
import { logger } from '../shared/logger.ts';
import { createFrequencyReader, type FrequencyReader } from './match-frequencies.ts';
import { createLookupReader, type LookupReader } from './match-lookups.ts';

export type CandidateSearch = { kinds: readonly CandidateKind[]; exclude?: { kind: CandidateKind; id: string } };

/** `consistent`: lookup reads that see every write before them (the worker, right after indexing its entry). */
export type ReadOptions = { consistent?: boolean };

export type FindCandidates = (
  lookups: RecordLookups,
  search: CandidateSearch,
  options?: ReadOptions,
) => Promise<Candidate[]>;

export const allKinds: readonly CandidateKind[] = ['person', 'company', 'inboxEntry'];

export const createCandidateFinder =
  (reader: Pick<LookupReader, 'find'>, counts: Pick<FrequencyReader, 'read'>): FindCandidates =>
  async (lookups, search, options = {}) => {
    if (lookups.keys.length === 0) return [];
    const result = await reader.find(lookups.keys, options);
    // The value counts only weigh candidates: read after the lookups, and only when one was found
    // (most leads are new: a check then costs its lookups alone, and the worker's own entry, found
    // through the lookup items it just wrote, is no candidate). One round trip more when there is one.
    const frequencies = anyRankable(lookups.profiles, result.found, search)
      ? await counts.read(probeCountedValues(lookups.profiles))
      : null;
    // the largest lookup and the crowded partitions show whether the keys stay selective as data grows
    logger.debug('duplicate lookups', {
      keys: lookups.keys.length,
      requests: result.requests + (frequencies?.requests ?? 0),
      largestLookup: result.largestLookup,
      overCap: result.overCap,
      stillOverCap: result.stillOverCap,
      consumedCapacity: result.consumedCapacity + (frequencies?.consumedCapacity ?? 0),
    });
    return frequencies ? rankCandidates(lookups.profiles, result.found, search, frequencies.frequencies) : [];
  };

/** The finder over the table: its lookup items and its frequency counters. */
export const tableCandidateFinder = (doc: DynamoDBDocumentClient, tableName: string): FindCandidates =>
  createCandidateFinder(createLookupReader(doc, tableName), createFrequencyReader(doc, tableName));
