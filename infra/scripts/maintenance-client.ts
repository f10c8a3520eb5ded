/**
 * The command line and DynamoDB client of a maintenance run (`npm run migrate`,
 * `npm run backfill-matching`): without `--aws`, the local stack's DynamoDB Local
 * (KONTAKT_DYNAMODB_PORT, default 8000); with `--aws --table <name>`, the deployed table with the
 * usual AWS credential chain and region.
 */
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { localNames } from '../local/provision.ts';
import { localAwsEnv } from '../local/services.ts';

export const maintenanceTarget = (command: string): { doc: DynamoDBDocumentClient; tableName: string } => {
  const { values } = parseArgs({
    options: { aws: { type: 'boolean', default: false }, table: { type: 'string' } },
  });
  if (values.aws && !values.table) {
    console.error(`usage: npm run ${command} -- [--aws --table <TableName output of the stack>]`);
    process.exit(2);
  }
  const client = values.aws
    ? new DynamoDBClient({})
    : new DynamoDBClient({
        endpoint: `http://127.0.0.1:${process.env.KONTAKT_DYNAMODB_PORT ?? '8000'}`,
        region: localAwsEnv.AWS_REGION,
        credentials: { accessKeyId: localAwsEnv.AWS_ACCESS_KEY_ID, secretAccessKey: localAwsEnv.AWS_SECRET_ACCESS_KEY },
      });
  return {
    doc: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
    tableName: values.table ?? localNames.table,
  };
};
