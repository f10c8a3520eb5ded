/**
 * The single table's shape: its key attributes, TTL attribute and the four overloaded indexes.
 * Keys are not built here: each stored noun declares its own keys and named access patterns in its
 * `functions/<noun>/<noun>.entity.ts` (see functions/shared/entity.ts and docs/data-model.md), and
 * test/unit/infra/entity-keys.test.ts keeps key literals and index names out of every other module.
 */

/**
 * What the list indexes hold besides the keys: only the attributes a list filters on in its Query
 * (the inbox's status, source, priority, archive reason, and the TTL that hides deleted spam). A list
 * reads the full records by their keys (store.ts `hydrate`), so an update that changes neither an
 * index key nor one of these writes no index copy, and a copy costs one write unit, not the item's
 * size (README "Lean indexes").
 */
const listFilterAttributes = ['processingStatus', 'source', 'priority', 'archiveReason', 'ttl'] as const;

export const tableDefinition = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'ttl',
  /**
   * Generic overloaded indexes (ElectroDB / dynamodb-toolbox style); each entity documents its use.
   * `name` is the index's name in DynamoDB: version 2 of each, lean. A projection cannot change in
   * place, so the lean indexes came in under new names beside the first ones (`gsi1`…`gsi4`, every
   * attribute projected), which `legacyIndexes` below and the deploy steps in the README retire.
   */
  indexes: {
    gsi1: { name: 'gsi1v2', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projected: listFilterAttributes },
    gsi2: { name: 'gsi2v2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk', projected: listFilterAttributes },
    /** sparse: only items waiting for background work carry it; its readers take the records whole */
    gsi3: { name: 'gsi3v2', partitionKey: 'gsi3pk', sortKey: 'gsi3sk', projected: [] },
    /** everything of a kind, newest first (the unfiltered lists) */
    gsi4: { name: 'gsi4v2', partitionKey: 'gsi4pk', sortKey: 'gsi4sk', projected: listFilterAttributes },
  },
} as const;

export type IndexName = keyof typeof tableDefinition.indexes;

export const indexNames = Object.keys(tableDefinition.indexes) as IndexName[];

/**
 * The first indexes, every attribute projected, named as the logical index. A stack deployed before
 * the lean indexes keeps them until the migration's last steps drop them; until the code is told
 * otherwise it reads the lean ones.
 */
export const legacyIndexName = (index: IndexName): string => index;

/**
 * Which indexes the functions read: `lean` (the default) or `legacy` while a stack migrating from
 * the first indexes still builds the lean ones (CDK context `kontakt:indexMigrationStep` 1–4 sets
 * `TABLE_INDEXES=legacy` on every function). Read at each query, so a test may switch it.
 */
export const readIndexName = (index: IndexName): string =>
  process.env.TABLE_INDEXES === 'legacy' ? legacyIndexName(index) : tableDefinition.indexes[index].name;

export type Key = { pk: string; sk: string };
