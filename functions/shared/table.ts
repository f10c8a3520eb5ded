/**
 * The single table's shape: its key attributes, TTL attribute and the four overloaded indexes.
 * Keys are not built here: each stored noun declares its own keys and named access patterns in its
 * `functions/<noun>/<noun>.entity.ts` (see functions/shared/entity.ts and docs/data-model.md), and
 * test/unit/infra/entity-keys.test.ts keeps key literals and index names out of every other module.
 */

export const tableDefinition = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'ttl',
  /** generic overloaded indexes (ElectroDB / dynamodb-toolbox style); each entity documents its use */
  indexes: {
    gsi1: { partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    gsi2: { partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    /** sparse: only items waiting for background work carry it */
    gsi3: { partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
    /** everything of a kind, newest first (the unfiltered lists) */
    gsi4: { partitionKey: 'gsi4pk', sortKey: 'gsi4sk' },
  },
} as const;

export type IndexName = keyof typeof tableDefinition.indexes;

export type Key = { pk: string; sk: string };
