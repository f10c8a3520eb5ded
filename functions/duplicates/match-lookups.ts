/**
 * Lookup items of duplicate protection: a record is written under each of its lookup keys together
 * with its match profiles, in the record's own transaction; a check reads one partition per key
 * (at most 50 items each; a crowded one narrowed to the probe's refinement), all in parallel, and
 * never the records themselves.
 */
import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { FoundRecord } from '../../domain/duplicates/duplicate-check.ts';
import { type LookupKey, noRefinement } from '../../domain/duplicates/lookup-keys.ts';
import type { RecordLookups } from '../../domain/duplicates/record-profiles.ts';
import type { CandidateKind } from '../../domain/inbox/inbox-entry.ts';
import type { AccessPattern, TransactItem } from '../shared/entity.ts';
import { patternQuery } from '../shared/store.ts';
import {
  firstLayoutKey,
  isUnrefinedRecord,
  type LookupOwner,
  lookupItem,
  lookupItems,
  lookupLayout,
} from './match-lookup.entity.ts';

export type { TransactItem };

/** A duplicate check never reads more than this many items from one lookup partition. */
export const maxLookupItems = 50;

export const candidateKindOf: Record<LookupOwner['kind'], CandidateKind> = {
  PERSON: 'person',
  COMPANY: 'company',
  INBOX: 'inboxEntry',
};

/**
 * Lookup items of the current layout have the refinement in the sort key. Items of layout 1 (without
 * it, stored before this version) are still read, so existing records stay found until
 * `npm run backfill-matching` rewrites them; a record's current items win over them.
 */
export const lookupItemVersion = lookupItems.version;

const sameItem = (a: LookupKey, b: LookupKey): boolean => a.key === b.key && a.refine === b.refine;

/**
 * Deletes the lookup items the record no longer has (and, for a key it no longer has, the layout-1
 * item too, so no old profile stays findable under it) and (re)writes every one it has, with its
 * current profiles.
 */
export const lookupWrites = (
  tableName: string,
  owner: LookupOwner,
  before: RecordLookups,
  after: RecordLookups,
): TransactItem[] => [
  ...before.keys
    .filter((old) => !after.keys.some((k) => sameItem(k, old)))
    .map((old) => lookupItems.delete(tableName, old.key, old.refine, owner)),
  ...before.keys
    .filter((old) => !after.keys.some((k) => k.key === old.key))
    .map((old) => ({ Delete: { TableName: tableName, Key: firstLayoutKey(old.key, owner) } })),
  ...after.keys.map((lookup) => ({
    Put: { TableName: tableName, Item: lookupItem(lookup, owner, after.profiles) },
  })),
];

export type LookupResult = {
  found: FoundRecord[];
  /** DynamoDB requests made: one Query per key read whole, up to three per crowded key read narrowed */
  requests: number;
  /** the most items one read returned (at most `maxLookupItems` + 1, which shows a crowd) */
  largestLookup: number;
  consumedCapacity: number;
  /** reads that found nothing (DynamoDB Local reports no capacity for them; AWS bills 0.5 RCU each) */
  emptyLookups: number;
  /** the probe's keys whose partition holds more than a read takes (known from before or found now) */
  overCap: number;
  /** of those, the ones still over the cap after narrowing (or that could not be narrowed) */
  stillOverCap: number;
  /** crowded partitions this reader already knew, read narrowed (or left to their mirror) without a whole read */
  knownCrowded: number;
};

type Page = QueryCommandOutput;

/**
 * The lookup partitions a reader has found crowded, remembered for `ttlMs` (at most `capacity`,
 * the oldest forgotten first). A reader lives as long as its Lambda container, and the crowded
 * partitions are few (a common name in a home postcode: 498 of 350,000 at 100,000 regional
 * persons) and met again and again, so most checks skip the whole read that would only show the
 * crowd again. A crowd contributes the same records whether it was known or found now; the one
 * difference the memory makes is for a crowd that thinned out below the cap (hundreds of records
 * merged or converted away): it is read narrowed until its entry expires, at most `ttlMs` later.
 */
export const crowdedPartitions = (options: { capacity?: number; ttlMs?: number; now?: () => number } = {}) => {
  const capacity = options.capacity ?? 5_000;
  const ttlMs = options.ttlMs ?? 5 * 60_000;
  const now = options.now ?? Date.now;
  const until = new Map<string, number>();
  return {
    has(key: string): boolean {
      const expires = until.get(key);
      if (expires === undefined) return false;
      if (expires > now()) return true;
      until.delete(key);
      return false;
    },
    add(key: string): void {
      until.delete(key);
      until.set(key, now() + ttlMs);
      if (until.size > capacity) {
        const oldest = until.keys().next().value;
        if (oldest !== undefined) until.delete(oldest);
      }
    },
  };
};

export type CrowdedPartitions = ReturnType<typeof crowdedPartitions>;

type Plan = 'whole' | 'narrowed' | 'mirrored';

/** What a read gave and what of it counts: a crowd's arbitrary first page is read but not taken. */
type KeyRead = { read: Page[]; kept: Record<string, unknown>[] };

const itemsOf = (pages: readonly Page[]): Record<string, unknown>[] => pages.flatMap((p) => p.Items ?? []);

export const createLookupReader = (
  doc: DynamoDBDocumentClient,
  tableName: string,
  crowded: CrowdedPartitions = crowdedPartitions(),
) => {
  return {
    /**
     * Reads each key's partition whole, in parallel (one item more than the cap, so a partition of
     * exactly 50 is whole). A crowded partition (a common name in the company's home postcode)
     * contributes the records that agree on the probe's refinement, read narrowed, so they are never
     * lost behind the crowd, and its persons and companies without the refining value (they sort
     * first: its whole read holds them; a known crowd reads them apart), unless the key is
     * `refinedOnly`; the rest of the crowd's first page is dropped, so what a check finds does not
     * depend on which crowds this reader knew. A known crowd is read narrowed at once; a crowd whose
     * mirror key is read too (the same records narrowed) leaves its narrowed read to the mirror. A
     * crowded key without a refinement keeps its first read, the only one it has.
     */
    async find(keys: readonly LookupKey[], options: { consistent?: boolean } = {}): Promise<LookupResult> {
      const read = (pattern: AccessPattern, limit = maxLookupItems): Promise<Page> =>
        doc.send(
          new QueryCommand({
            ...patternQuery(tableName, pattern),
            Limit: limit,
            ReturnConsumedCapacity: 'TOTAL',
            ...(options.consistent ? { ConsistentRead: true } : {}),
          }),
        );
      /** the persons and companies, and the inbox entries, under the key with the probe's refinement */
      const readRefined = (lookup: LookupKey): Promise<Page[]> =>
        Promise.all([
          read(lookupItems.patterns.recordsRefinedBy(lookup.key, lookup.refine)),
          read(lookupItems.patterns.entriesRefinedBy(lookup.key, lookup.refine)),
        ]);
      /** the persons and companies under the key without the refining value, unless the key takes the refinement only */
      const readUnrefined = async (lookup: LookupKey): Promise<Page[]> =>
        lookup.refinedOnly ? [] : [await read(lookupItems.patterns.unrefinedRecords(lookup.key))];
      const overRead = (pages: readonly Page[]) => pages.some((p) => p.LastEvaluatedKey !== undefined);
      const probeKeys = new Set(keys.map((k) => k.key));
      const mirrorOf = (lookup: LookupKey): string | undefined =>
        lookup.mirror !== undefined && lookup.mirror !== lookup.key && probeKeys.has(lookup.mirror)
          ? lookup.mirror
          : undefined;
      const narrowable = (lookup: LookupKey) => lookup.refine !== noRefinement;
      // first: a known crowd is read narrowed, or left to its mirror when that is read (whole, or
      // narrowed as the first of two known crowds in key order)
      const plans = new Map<string, Plan>();
      for (const lookup of keys) {
        const mirror = mirrorOf(lookup);
        const plan: Plan =
          !narrowable(lookup) || !crowded.has(lookup.key)
            ? 'whole'
            : mirror !== undefined && (!crowded.has(mirror) || mirror < lookup.key)
              ? 'mirrored'
              : 'narrowed';
        plans.set(lookup.key, plan);
      }
      const first = await Promise.all(
        keys.map(async (lookup): Promise<Page[]> => {
          const plan = plans.get(lookup.key);
          if (plan === 'whole') return [await read(lookupItems.patterns.byKey(lookup.key), maxLookupItems + 1)];
          const unrefined = readUnrefined(lookup);
          return plan === 'narrowed' ? [...(await readRefined(lookup)), ...(await unrefined)] : await unrefined;
        }),
      );
      const isCrowd = (page: Page | undefined) => (page?.Items?.length ?? 0) > maxLookupItems;
      const foundCrowded = new Set(
        keys.filter((k, i) => plans.get(k.key) === 'whole' && isCrowd(first[i]?.[0])).map((k) => k.key),
      );
      for (const key of foundCrowded) crowded.add(key);
      /** whether the mirror's reads hold what narrowing this crowded key would read */
      const coveredByMirror = (lookup: LookupKey): boolean => {
        const mirror = mirrorOf(lookup);
        if (mirror === undefined) return false;
        const plan = plans.get(mirror);
        if (plan === 'narrowed') return true;
        if (plan === 'mirrored') return false;
        // read whole: all of it when it is not crowded; of two crowds found now, the first in key order narrows
        return !foundCrowded.has(mirror) || mirror < lookup.key;
      };

      // then: a crowd found now keeps its unrefined records, is narrowed (unless its mirror covers it),
      // and the rest of its first page is dropped
      let stillOverCap = 0;
      const reads = await Promise.all(
        keys.map(async (lookup, i): Promise<KeyRead> => {
          const pages = first[i] ?? [];
          const plan = plans.get(lookup.key);
          if (plan !== 'whole') {
            if (overRead(pages)) stillOverCap += 1;
            return { read: pages, kept: itemsOf(pages) };
          }
          const [page] = pages;
          if (!foundCrowded.has(lookup.key)) return { read: pages, kept: itemsOf(pages) };
          if (!narrowable(lookup)) {
            stillOverCap += 1;
            return { read: pages, kept: itemsOf(pages).slice(0, maxLookupItems) };
          }
          const unrefined = lookup.refinedOnly
            ? []
            : (page?.Items ?? []).filter(isUnrefinedRecord).slice(0, maxLookupItems);
          if (coveredByMirror(lookup)) return { read: pages, kept: unrefined };
          const narrowed = await readRefined(lookup);
          if (overRead(narrowed)) stillOverCap += 1;
          return { read: [...pages, ...narrowed], kept: [...unrefined, ...itemsOf(narrowed)] };
        }),
      );
      const countedPages = reads.flatMap((r) => r.read);

      const current: FoundRecord[] = [];
      const earlier: FoundRecord[] = [];
      for (const item of reads.flatMap((r) => r.kept)) {
        // the very first lookup items (email only, another entity tag) found persons by email alone; they are ignored
        const layout = lookupLayout(item);
        if (layout === 'foreign') continue;
        const { kind, id, profiles } = lookupItems.parse(item);
        (layout === 'current' ? current : earlier).push({ kind: candidateKindOf[kind], id, profiles });
      }
      // a record found by a current item is scored with its current profile, never an older copy
      const seen = new Set(current.map((r) => `${r.kind}#${r.id}`));
      const found = [...current, ...earlier.filter((r) => !seen.has(`${r.kind}#${r.id}`))];
      return {
        found,
        requests: countedPages.length,
        largestLookup: Math.max(0, ...countedPages.map((p) => p.Items?.length ?? 0)),
        consumedCapacity: countedPages.reduce((sum, p) => sum + (p.ConsumedCapacity?.CapacityUnits ?? 0), 0),
        emptyLookups: countedPages.filter((p) => (p.Items?.length ?? 0) === 0).length,
        overCap: keys.filter((k) => plans.get(k.key) !== 'whole' || foundCrowded.has(k.key)).length,
        stillOverCap,
        knownCrowded: keys.filter((k) => plans.get(k.key) !== 'whole').length,
      };
    },
  };
};

export type LookupReader = ReturnType<typeof createLookupReader>;
