/** The layout a storage migration (by name) last brought the stored data to, kept in a marker item. */
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { storageMigrations } from '../../functions/duplicates/matching-migration.entity.ts';
import { createStore } from '../../functions/shared/store.ts';

/** The layout the migration `name` reached, or null when it never ran on this table. */
export const migratedLayout = async (
  doc: DynamoDBDocumentClient,
  tableName: string,
  name: string,
): Promise<number | null> =>
  (await createStore(doc, tableName).get(storageMigrations, storageMigrations.key(name), { consistent: true }))
    ?.layout ?? null;

/** Notes that the migration `name` brought the table to `layout`. */
export const markMigrated = async (
  doc: DynamoDBDocumentClient,
  tableName: string,
  name: string,
  layout: number,
): Promise<void> => {
  await doc.send(
    new PutCommand({ TableName: tableName, Item: storageMigrations.itemAt(storageMigrations.key(name), { layout }) }),
  );
};
