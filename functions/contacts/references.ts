/**
 * Reference items: every link from one record to another (a person's company and supervisor, a
 * company's parent, later an entry's or opportunity's person and company) is also written as an
 * item in the target's `REFS#` partition, in the linking record's transaction. A merge reads that
 * one partition to find every link it must move, with strongly consistent reads.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type LinkKind, linkKey } from '../../domain/emails/smart-bcc.ts';
import { conflict, unprocessable } from '../../domain/shared/errors.ts';
import { type IndexKey, indexAttributes, type TransactItem } from '../shared/entity.ts';
import { companyParentIndex } from './company.entity.ts';
import { personCompanyIndex } from './person.entity.ts';
import { type RecordKind, type RecordRef, recordKey, referenceItem, references } from './reference.entity.ts';

export type { TransactItem };
export { type RecordKind, type RecordRef, recordKey };

/** "this record's `field` points at `target`" */
export type Reference = { target: RecordRef; field: string };

/** The links of a record to its company and person (`companyId`, `personId`), which merges move. */
export const contactReferences = (record: { companyId: string | null; personId: string | null }): Reference[] => [
  ...(record.companyId ? [{ target: { kind: 'COMPANY' as const, id: record.companyId }, field: 'companyId' }] : []),
  ...(record.personId ? [{ target: { kind: 'PERSON' as const, id: record.personId }, field: 'personId' }] : []),
];

const sameRef = (a: Reference, b: Reference): boolean =>
  a.field === b.field && a.target.kind === b.target.kind && a.target.id === b.target.id;

/** Removes the links a record dropped and adds the ones it gained; unchanged links are left alone. */
export const referenceWrites = (
  tableName: string,
  from: RecordRef,
  before: readonly Reference[],
  after: readonly Reference[],
): TransactItem[] => [
  ...before
    .filter((ref) => !after.some((other) => sameRef(ref, other)))
    .map((ref) => references.delete(tableName, ref.target, from, ref.field)),
  ...after
    .filter((ref) => !before.some((other) => sameRef(ref, other)))
    .map((ref) => ({ Put: { TableName: tableName, Item: referenceItem(ref.target, from, ref.field) } })),
];

/**
 * A new link may only point at a record that exists and is not being merged away: checked in the
 * linking record's own transaction, so a merge never misses a link made while it runs.
 */
export const linkableChecks = (
  tableName: string,
  before: readonly Reference[],
  after: readonly Reference[],
): TransactItem[] =>
  after
    .filter((ref) => !before.some((other) => sameRef(ref, other)))
    .map((ref) => ({
      ConditionCheck: {
        TableName: tableName,
        Key: recordKey(ref.target),
        ConditionExpression:
          'attribute_exists(pk) AND attribute_not_exists(mergedInto) AND attribute_not_exists(mergingInto)',
      },
    }));

/**
 * Turns a cancelled transaction into what the client did wrong, or rethrows it: the first item's
 * condition (the record's own: version, existence) failing is `onRecordCondition`; a failed "link
 * target exists" check is a 422 naming the link's field; a conflict with a concurrent transaction is
 * a 409 to retry. Anything else is not the client's doing and is rethrown.
 */
export const explainCancellation = (
  error: unknown,
  options: {
    items: readonly TransactItem[];
    links: readonly Reference[];
    onRecordCondition: () => never;
    conflictDetail: string;
  },
): never => {
  if (error instanceof TransactionCanceledException) {
    const reasons = error.CancellationReasons ?? [];
    if (reasons[0]?.Code === 'ConditionalCheckFailed') options.onRecordCondition();
    for (const [index, reason] of reasons.entries()) {
      const check = options.items[index]?.ConditionCheck;
      if (reason.Code !== 'ConditionalCheckFailed' || !check) continue;
      const target = options.links.find((l) => recordKey(l.target).pk === check.Key?.pk);
      if (target) throw unprocessable(target.field, `${target.target.id} does not exist or is being merged`);
    }
    // another record written with this one at the version it was read (a contact whose stage it
    // raised, a company whose main contact it set) changed meanwhile; other conditions (a guard, a
    // rate counter) stay for the caller to tell apart
    const companionChanged = reasons.some(
      (r, index) =>
        index > 0 &&
        r.Code === 'ConditionalCheckFailed' &&
        options.items[index]?.Put?.ConditionExpression?.startsWith('version = :expected') === true,
    );
    if (companionChanged || reasons.some((r) => r.Code === 'TransactionConflict'))
      throw conflict('concurrent-change', options.conflictDetail);
  }
  throw error;
};

/** Index partitions that are built from a reference field and must move with it (their sort keys stay). */
const indexedBy: Partial<Record<`${RecordKind}.${string}`, (targetId: string) => Omit<IndexKey, 'sk'>>> = {
  'PERSON.companyId': personCompanyIndex,
  'COMPANY.parentCompanyId': companyParentIndex,
};

/** The kinds of record an email links to, by the record kind a reference names. */
const emailLinkKinds: Partial<Record<RecordKind, LinkKind>> = {
  PERSON: 'person',
  COMPANY: 'company',
  INBOX: 'inboxEntry',
  OPP: 'opportunity',
  TIC: 'ticket',
};
const emailLinkKeyOf = (target: RecordRef): string => linkKey(emailLinkKinds[target.kind] ?? 'person', target.id);

/** Whether a linking record's stored item still points at `target` through `field` (an email through its links map). */
export const pointsAt = (item: Record<string, unknown> | undefined, field: string, target: RecordRef): boolean => {
  if (!item) return false;
  const value = item[field];
  if (typeof value === 'object' && value !== null) return emailLinkKeyOf(target) in value;
  return value === target.id;
};

/**
 * An email's link lives in its `links` map, keyed by kind and id: it moves to the survivor with
 * the reason it had, or goes (a mail linked to both keeps the survivor's). Conditional on the
 * duplicate's link still being there, so a repeated move changes nothing.
 */
const moveEmailLink = (
  tableName: string,
  from: RecordRef,
  duplicate: RecordRef,
  survivor: RecordRef | null,
): TransactItem[] => [
  {
    Update: {
      TableName: tableName,
      Key: recordKey(from),
      UpdateExpression: survivor
        ? 'SET #links.#survivor = if_not_exists(#links.#survivor, #links.#duplicate) REMOVE #links.#duplicate'
        : 'REMOVE #links.#duplicate',
      ConditionExpression: 'attribute_exists(#links.#duplicate)',
      ExpressionAttributeNames: {
        '#links': 'links',
        '#duplicate': emailLinkKeyOf(duplicate),
        ...(survivor ? { '#survivor': emailLinkKeyOf(survivor) } : {}),
      },
    },
  },
  references.delete(tableName, duplicate, from, 'links'),
  ...(survivor ? referenceWrites(tableName, from, [], [{ target: survivor, field: 'links' }]) : []),
];

/**
 * Moves one link from `duplicate` to `survivor` (or drops it, `survivor` null, where keeping it would
 * make a cycle): the linking record's field and index key, its version, and the reference item.
 * Conditional on the field still pointing at the duplicate, so a repeated move changes nothing.
 */
export const moveReference = (
  tableName: string,
  from: RecordRef,
  field: string,
  duplicate: RecordRef,
  survivor: RecordRef | null,
  now: string,
): TransactItem[] => {
  if (from.kind === 'EMAIL') return moveEmailLink(tableName, from, duplicate, survivor);
  const names: Record<string, string> = { '#field': field };
  const values: Record<string, unknown> = { ':duplicate': duplicate.id, ':one': 1, ':now': now };
  const sets = ['version = version + :one', 'updatedAt = :now'];
  const removes: string[] = [];
  const index = indexedBy[`${from.kind}.${field}`];
  if (survivor) {
    sets.push('#field = :survivor');
    values[':survivor'] = survivor.id;
    if (index) {
      const moved = index(survivor.id);
      const attribute = indexAttributes(moved.index).pk;
      names[`#${attribute}`] = attribute;
      values[`:${attribute}`] = moved.pk;
      sets.push(`#${attribute} = :${attribute}`);
    }
  } else {
    removes.push('#field');
    if (index) {
      // without its partition the record leaves the list; the sort key alone indexes nothing
      const attribute = indexAttributes(index(duplicate.id).index).pk;
      names[`#${attribute}`] = attribute;
      removes.push(`#${attribute}`);
    }
  }
  return [
    {
      Update: {
        TableName: tableName,
        Key: recordKey(from),
        UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ConditionExpression: '#field = :duplicate',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    },
    references.delete(tableName, duplicate, from, field),
    ...(survivor ? referenceWrites(tableName, from, [], [{ target: survivor, field }]) : []),
  ];
};
