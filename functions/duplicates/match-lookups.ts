/**
 * Lookup items of duplicate protection: a record is written under each of its lookup keys together
 * with its match profiles, in the record's own transaction; a check reads one partition per key
 * (at most 50 items each, and a crowded one once more narrowed), all in parallel, and never the
 * records themselves.
 */
import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { FoundRecord } from '../../domain/duplicates/duplicate-check.ts';
import { type LookupKey, noRefinement } from '../../domain/duplicates/lookup-keys.ts';
import type { RecordLookups } from '../../domain/duplicates/record-profiles.ts';
import type { CandidateKind } from '../../domain/inbox/inbox-entry.ts';
import type { AccessPattern, TransactItem } from '../shared/entity.ts';
import { patternQuery } from '../shared/store.ts';
import { firstLayoutKey, type LookupOwner, lookupItem, lookupItems, lookupLayout } from './match-lookup.entity.ts';

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
  /** DynamoDB requests made: one Query per key, and one more per crowded partition */
  requests: number;
  /** the most items one read returned (at most `maxLookupItems`) */
  largestLookup: number;
  consumedCapacity: number;
  /** reads that found nothing (DynamoDB Local reports no capacity for them; AWS bills 0.5 RCU each) */
  emptyLookups: number;
  /** partitions that held more than one read returns, read again narrowed to the probe's refinement */
  overCap: number;
  /** of those, the ones still over the cap after narrowing (or that could not be narrowed) */
  stillOverCap: number;
};

type Page = QueryCommandOutput;

export const createLookupReader = (doc: DynamoDBDocumentClient, tableName: string) => {
  const read = (pattern: AccessPattern): Promise<Page> =>
    doc.send(
      new QueryCommand({ ...patternQuery(tableName, pattern), Limit: maxLookupItems, ReturnConsumedCapacity: 'TOTAL' }),
    );

  /**
   * One read per key; a partition that holds more than the read returns (a common name in the
   * company's home postcode) is read once more narrowed to the probe's refinement — its persons and
   * companies, and its inbox entries — so the records that agree on it are never lost behind the crowd.
   */
  const readKey = async (lookup: LookupKey): Promise<{ pages: Page[]; overCap: boolean; stillOverCap: boolean }> => {
    const first = await read(lookupItems.patterns.byKey(lookup.key));
    if (!first.LastEvaluatedKey) return { pages: [first], overCap: false, stillOverCap: false };
    if (lookup.refine === noRefinement) return { pages: [first], overCap: true, stillOverCap: true };
    const refined = await Promise.all([
      read(lookupItems.patterns.recordsRefinedBy(lookup.key, lookup.refine)),
      read(lookupItems.patterns.entriesRefinedBy(lookup.key, lookup.refine)),
    ]);
    return {
      pages: [first, ...refined],
      overCap: true,
      stillOverCap: refined.some((page) => page.LastEvaluatedKey !== undefined),
    };
  };

  return {
    async find(keys: readonly LookupKey[]): Promise<LookupResult> {
      const reads = await Promise.all(keys.map(readKey));
      const pages = reads.flatMap((r) => r.pages);
      const current: FoundRecord[] = [];
      const earlier: FoundRecord[] = [];
      for (const page of pages) {
        for (const item of page.Items ?? []) {
          // the very first lookup items (email only, another entity tag) found persons by email alone; they are ignored
          const layout = lookupLayout(item);
          if (layout === 'foreign') continue;
          const { kind, id, profiles } = lookupItems.parse(item);
          (layout === 'current' ? current : earlier).push({ kind: candidateKindOf[kind], id, profiles });
        }
      }
      // a record found by a current item is scored with its current profile, never an older copy
      const seen = new Set(current.map((r) => `${r.kind}#${r.id}`));
      const found = [...current, ...earlier.filter((r) => !seen.has(`${r.kind}#${r.id}`))];
      return {
        found,
        requests: pages.length,
        largestLookup: Math.max(0, ...pages.map((p) => p.Items?.length ?? 0)),
        consumedCapacity: pages.reduce((sum, p) => sum + (p.ConsumedCapacity?.CapacityUnits ?? 0), 0),
        emptyLookups: pages.filter((p) => (p.Items?.length ?? 0) === 0).length,
        overCap: reads.filter((r) => r.overCap).length,
        stillOverCap: reads.filter((r) => r.stillOverCap).length,
      };
    },
  };
};

export type LookupReader = ReturnType<typeof createLookupReader>;
