/**
 * Reference items: every link from one record to another (a person's company and supervisor, a
 * company's parent, later an entry's or opportunity's person and company) is also written as an
 * item in the target's `REFS#` partition, in the linking record's transaction. A merge reads that
 * one partition to find every link it must move, with strongly consistent reads.
 */
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import {
  companiesByParentPartition,
  entityTags,
  personsByCompanyPartition,
  type RecordKind,
  type RecordRef,
  recordKey,
  referenceKey,
} from '../shared/table.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** "this record's `field` points at `target`" */
export type Reference = { target: RecordRef; field: string };

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
    .map((ref) => ({ Delete: { TableName: tableName, Key: referenceKey(ref.target, from, ref.field) } })),
  ...after
    .filter((ref) => !before.some((other) => sameRef(ref, other)))
    .map((ref) => ({
      Put: {
        TableName: tableName,
        Item: {
          ...referenceKey(ref.target, from, ref.field),
          ...entityTags('reference', 1),
          fromKind: from.kind,
          fromId: from.id,
          field: ref.field,
        },
      },
    })),
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

/** Index attributes that are built from a reference field and must move with it. */
const indexedBy: Partial<Record<`${RecordKind}.${string}`, (targetId: string) => Record<string, string>>> = {
  'PERSON.companyId': (companyId) => ({ gsi1pk: personsByCompanyPartition(companyId) }),
  'COMPANY.parentCompanyId': (parentId) => ({ gsi1pk: companiesByParentPartition(parentId) }),
};

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
  const names: Record<string, string> = { '#field': field };
  const values: Record<string, unknown> = { ':duplicate': duplicate.id, ':one': 1, ':now': now };
  const sets = ['version = version + :one', 'updatedAt = :now'];
  const removes: string[] = [];
  const index = indexedBy[`${from.kind}.${field}`];
  if (survivor) {
    sets.push('#field = :survivor');
    values[':survivor'] = survivor.id;
    for (const [attribute, value] of Object.entries(index ? index(survivor.id) : {})) {
      names[`#${attribute}`] = attribute;
      values[`:${attribute}`] = value;
      sets.push(`#${attribute} = :${attribute}`);
    }
  } else {
    removes.push('#field');
    if (index)
      for (const attribute of Object.keys(index(duplicate.id))) {
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
    { Delete: { TableName: tableName, Key: referenceKey(duplicate, from, field) } },
    ...(survivor ? referenceWrites(tableName, from, [], [{ target: survivor, field }]) : []),
  ];
};
