// The single DynamoDB table, shaped by functions/shared/table.ts so the code and the cloud agree on every key.
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { tableDefinition } from '../../functions/shared/table.ts';

export const createTable = (scope: Construct, id: string): Table => {
  const table = new Table(scope, id, {
    partitionKey: { name: tableDefinition.partitionKey, type: AttributeType.STRING },
    sortKey: { name: tableDefinition.sortKey, type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    timeToLiveAttribute: tableDefinition.ttlAttribute,
    // old and new images of every change: the frequency counter moves counts by their difference
    stream: StreamViewType.NEW_AND_OLD_IMAGES,
    // The table holds every customer record: neither a stack deletion nor a console click may drop it.
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  for (const [indexName, keys] of Object.entries(tableDefinition.indexes)) {
    table.addGlobalSecondaryIndex({
      indexName,
      partitionKey: { name: keys.partitionKey, type: AttributeType.STRING },
      sortKey: { name: keys.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });
  }
  return table;
};
