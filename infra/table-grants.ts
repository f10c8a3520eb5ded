/**
 * The table statements of a function whose `access.table` names the nouns it may touch (a
 * TableGrant): one statement per DynamoDB action, on the table only (no index), each with a
 * `dynamodb:LeadingKeys` condition listing the partitions of its entities. IAM authorizes a
 * transaction part by part (`PutItem`, `UpdateItem`, `ConditionCheckItem`), so a transaction of
 * the intake path needs nothing more. `ForAllValues` holds every key of a batch to the list.
 *
 * The same reading decides `tableGrantAllows`, which test/integration/table-grants.test.ts holds
 * against every request the intake handlers make of DynamoDB Local.
 */
import type { Access, ItemsOf, TableGrant } from './manifest.ts';

export type TableAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'PutItem'
  | 'UpdateItem'
  | 'BatchWriteItem'
  | 'ConditionCheckItem';

/** One request of a function to the table, as IAM authorizes it (a transaction's parts one by one). */
export type TableAccess = { action: string; index: string | null; partition: string };

const actionsOf: Record<keyof TableGrant, readonly TableAction[]> = {
  get: ['GetItem', 'BatchGetItem'],
  put: ['PutItem'],
  update: ['UpdateItem'],
  batchWrite: ['BatchWriteItem'],
  conditionCheck: ['ConditionCheckItem'],
};

export type TableStatement = { action: TableAction; leadingKeys: string[] };

export const isTableGrant = (table: Access['table']): table is TableGrant => typeof table === 'object';

/** The statements of a grant: each action with the sorted partitions it may touch. */
export const tableStatements = (grant: TableGrant): TableStatement[] => {
  const byAction = new Map<TableAction, Set<string>>();
  for (const [kind, entities] of Object.entries(grant) as [keyof TableGrant, readonly ItemsOf[] | undefined][]) {
    for (const action of actionsOf[kind]) {
      const keys = byAction.get(action) ?? new Set<string>();
      for (const entity of entities ?? []) keys.add(entity.leadingKeys);
      byAction.set(action, keys);
    }
  }
  return [...byAction]
    .filter(([, keys]) => keys.size > 0)
    .map(([action, keys]) => ({ action, leadingKeys: [...keys].sort() }));
};

/** IAM's StringLike: `*` any run of characters, `?` one, everything else itself. */
const stringLike = (pattern: string, value: string): boolean =>
  new RegExp(
    `^${pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('')}$`,
    's',
  ).test(value);

/** Whether a function with this table access may make this request. */
export const tableGrantAllows = (table: Access['table'], access: TableAccess): boolean => {
  if (table === undefined) return false;
  if (table === 'readWrite') return true;
  if (table === 'read')
    return ['GetItem', 'BatchGetItem', 'Query', 'Scan', 'ConditionCheckItem'].includes(access.action);
  if (access.index !== null) return false;
  return tableStatements(table).some(
    (statement) =>
      statement.action === access.action && statement.leadingKeys.some((keys) => stringLike(keys, access.partition)),
  );
};
