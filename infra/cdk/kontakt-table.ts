// The single DynamoDB table, shaped by functions/shared/table.ts so the code and the cloud agree on every key.
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { type IndexName, indexNames, legacyIndexName, tableDefinition } from '../../functions/shared/table.ts';

/**
 * The indexes a deploy declares and which of them the functions read. A GSI's projection cannot
 * change in place and CloudFormation creates or deletes one GSI per stack update, so a stack that
 * has the first indexes (every attribute projected) moves to the lean ones in nine deploys, CDK
 * context `kontakt:indexMigrationStep` 1 to 9 (README "Lean indexes"): steps 1–4 add one lean index
 * each (DynamoDB fills it from the items already stored) while the functions read the first ones;
 * step 5 changes no index and switches the functions to the lean ones; steps 6–9 drop one first
 * index each. Without the context (a new stack, or one past step 9) only the lean indexes exist.
 */
export type IndexLayout = {
  lean: readonly IndexName[];
  legacy: readonly IndexName[];
  reads: 'lean' | 'legacy';
};

export const indexMigrationSteps = 9;

export const indexLayout = (step?: number): IndexLayout => {
  if (step === undefined) return { lean: indexNames, legacy: [], reads: 'lean' };
  if (!Number.isInteger(step) || step < 1 || step > indexMigrationSteps) {
    throw new Error(`context kontakt:indexMigrationStep must be a whole number from 1 to ${indexMigrationSteps}`);
  }
  if (step <= indexNames.length) return { lean: indexNames.slice(0, step), legacy: indexNames, reads: 'legacy' };
  return { lean: indexNames, legacy: indexNames.slice(step - indexNames.length - 1), reads: 'lean' };
};

/** What a stage decides about its table. */
export type TableSettings = {
  /** keep it (deletion protection, retained on stack deletion); a throw-away stage's goes with it */
  retain: boolean;
  warmWriteUnitsPerSecond?: number | undefined;
  warmReadUnitsPerSecond?: number | undefined;
};

export const createTable = (
  scope: Construct,
  id: string,
  layout: IndexLayout = indexLayout(),
  settings: TableSettings = { retain: true },
): Table => {
  const warm =
    settings.warmWriteUnitsPerSecond !== undefined || settings.warmReadUnitsPerSecond !== undefined
      ? {
          warmThroughput: {
            ...(settings.warmWriteUnitsPerSecond === undefined
              ? {}
              : { writeUnitsPerSecond: settings.warmWriteUnitsPerSecond }),
            ...(settings.warmReadUnitsPerSecond === undefined
              ? {}
              : { readUnitsPerSecond: settings.warmReadUnitsPerSecond }),
          },
        }
      : {};
  const table = new Table(scope, id, {
    partitionKey: { name: tableDefinition.partitionKey, type: AttributeType.STRING },
    sortKey: { name: tableDefinition.sortKey, type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    timeToLiveAttribute: tableDefinition.ttlAttribute,
    // old and new images of every change: the frequency counter moves counts by their difference
    stream: StreamViewType.NEW_AND_OLD_IMAGES,
    // The table holds every customer record: neither a stack deletion nor a console click may drop
    // it, unless its stage is one to throw away (retainData false: a test or review stage)
    deletionProtection: settings.retain,
    removalPolicy: settings.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    ...warm,
  });
  const keysOf = (index: IndexName) => ({
    partitionKey: { name: tableDefinition.indexes[index].partitionKey, type: AttributeType.STRING },
    sortKey: { name: tableDefinition.indexes[index].sortKey, type: AttributeType.STRING },
  });
  for (const index of layout.legacy) {
    table.addGlobalSecondaryIndex({
      indexName: legacyIndexName(index),
      ...keysOf(index),
      projectionType: ProjectionType.ALL,
    });
  }
  for (const index of layout.lean) {
    const { name, projected } = tableDefinition.indexes[index];
    table.addGlobalSecondaryIndex(
      projected.length === 0
        ? { indexName: name, ...keysOf(index), projectionType: ProjectionType.KEYS_ONLY }
        : {
            indexName: name,
            ...keysOf(index),
            projectionType: ProjectionType.INCLUDE,
            nonKeyAttributes: [...projected],
          },
    );
  }
  return table;
};
