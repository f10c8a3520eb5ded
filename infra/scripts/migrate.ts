/**
 * `npm run migrate -- [--aws --table <name>]`: brings data stored by an earlier version to the
 * current storage layout: the sharded lists (list-shards-migration.ts), then the lifecycle stages and
 * main contacts of persons and companies (contacts-migration.ts). Without --aws it works
 * on the local stack's DynamoDB Local (KONTAKT_DYNAMODB_PORT, default 8000; the local stack also runs
 * it by itself when it finds an older layout); with --aws, on the deployed table (CloudFormation
 * output TableName) with the usual AWS credential chain and region. Safe to run again.
 */

import { migrateContacts } from './contacts-migration.ts';
import { migrateListShards } from './list-shards-migration.ts';
import { maintenanceTarget } from './maintenance-client.ts';

const { doc, tableName } = maintenanceTarget('migrate');
const started = Date.now();
const listShards = await migrateListShards(doc, tableName);
const contacts = await migrateContacts(doc, tableName);
console.log(JSON.stringify({ listShards, contacts, seconds: Math.round((Date.now() - started) / 100) / 10 }));
