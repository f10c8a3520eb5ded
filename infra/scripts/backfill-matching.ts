/**
 * `npm run backfill-matching -- [--aws --table <name>]`: writes every person, company and open inbox
 * entry under its current duplicate-protection lookup keys and recounts the value frequencies from
 * the persons and companies (see match-backfill.ts). Without --aws it works on the local stack's
 * DynamoDB Local (KONTAKT_DYNAMODB_PORT, default 8000; the local stack also runs it by itself once
 * after an upgrade); with --aws, on the deployed table (CloudFormation output TableName) with the
 * usual AWS credential chain and region.
 */

import { initDeferred } from '../../domain/shared/deferred-init.ts';
import { maintenanceTarget } from './maintenance-client.ts';
import { backfillMatching } from './match-backfill.ts';

// the phone numbering plan and whatever else modules defer from a cold start, as handlers load it
await initDeferred();

const { doc, tableName } = maintenanceTarget('backfill-matching');
const started = Date.now();
const result = await backfillMatching(doc, tableName);
console.log(JSON.stringify({ ...result, seconds: Math.round((Date.now() - started) / 100) / 10 }));
