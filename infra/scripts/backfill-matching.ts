/**
 * `npm run backfill-matching -- [--aws --table <name>]`: writes every person, company and open inbox
 * entry under its current duplicate-protection lookup keys and recounts the value frequencies from
 * the persons and companies (see match-backfill.ts). Without --aws it works on the local stack's
 * DynamoDB Local (KONTAKT_DYNAMODB_PORT, default 8000; the local stack also runs it by itself once
 * after an upgrade); with --aws, on the deployed table (CloudFormation output TableName) with the
 * usual AWS credential chain and region.
 */

import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { initDeferred } from '../../domain/shared/deferred-init.ts';
import { localNames } from '../local/provision.ts';
import { localAwsEnv } from '../local/services.ts';
import { backfillMatching } from './match-backfill.ts';

// the phone numbering plan and whatever else modules defer from a cold start, as handlers load it
await initDeferred();

const { values } = parseArgs({
  options: { aws: { type: 'boolean', default: false }, table: { type: 'string' } },
});
if (values.aws && !values.table) {
  console.error('usage: npm run backfill-matching -- [--aws --table <TableName output of the stack>]');
  process.exit(2);
}

const client = values.aws
  ? new DynamoDBClient({})
  : new DynamoDBClient({
      endpoint: `http://127.0.0.1:${process.env.KONTAKT_DYNAMODB_PORT ?? '8000'}`,
      region: localAwsEnv.AWS_REGION,
      credentials: { accessKeyId: localAwsEnv.AWS_ACCESS_KEY_ID, secretAccessKey: localAwsEnv.AWS_SECRET_ACCESS_KEY },
    });
const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
const started = Date.now();
const result = await backfillMatching(doc, values.table ?? localNames.table);
console.log(JSON.stringify({ ...result, seconds: Math.round((Date.now() - started) / 100) / 10 }));
