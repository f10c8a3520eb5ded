/**
 * `npm run migrate -- [--aws --table <name>]`: brings data stored by an earlier version to the
 * current storage layout (today: the sharded lists, list-shards-migration.ts). Without --aws it works
 * on the local stack's DynamoDB Local (KONTAKT_DYNAMODB_PORT, default 8000; the local stack also runs
 * it by itself when it finds an older layout); with --aws, on the deployed table (CloudFormation
 * output TableName) with the usual AWS credential chain and region. Safe to run again.
 */

import { migrateListShards } from './list-shards-migration.ts';
import { maintenanceTarget } from './maintenance-client.ts';

const { doc, tableName } = maintenanceTarget('migrate');
const started = Date.now();
const result = await migrateListShards(doc, tableName);
console.log(JSON.stringify({ listShards: result, seconds: Math.round((Date.now() - started) / 100) / 10 }));
