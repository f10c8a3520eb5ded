/**
 * Records what a function asks of the table while a test runs it: each DynamoDB action as IAM
 * authorizes it (a transaction's parts one by one, as `PutItem`, `ConditionCheckItem`, …), the
 * index it reads, and the partition key value IAM's `dynamodb:LeadingKeys` sees. The table grants
 * test holds these against the policy the stack gives the function.
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { vi } from 'vitest';
import { tableDefinition } from '../../functions/shared/table.ts';
import type { TableAccess } from '../../infra/table-grants.ts';

export type { TableAccess };

type AnyInput = Record<string, unknown>;

const keyOf = (input: AnyInput, field: 'Key' | 'Item'): string => {
  const value = (input[field] as Record<string, unknown> | undefined)?.[tableDefinition.partitionKey];
  return typeof value === 'string' ? value : '(none)';
};

/** The partition a query's key condition names: `#a = :b` where `#a` is the table's or the index's partition key. */
const queriedPartition = (input: AnyInput): string => {
  const indexName = input.IndexName as string | undefined;
  const index = Object.values(tableDefinition.indexes).find(
    (i) => i.name === indexName || i.partitionKey === indexName,
  );
  const partitionAttribute = indexName ? (index?.partitionKey ?? '?') : tableDefinition.partitionKey;
  const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
  const condition = String(input.KeyConditionExpression ?? '');
  for (const match of condition.matchAll(/(#?[\w]+)\s*=\s*(:[\w]+)/g)) {
    const [, name = '', value = ''] = match;
    const attribute = name.startsWith('#') ? names[name] : name;
    if (attribute === partitionAttribute) return String(values[value]);
  }
  return '(unknown)';
};

const accessesOf = (command: { constructor: { name: string }; input: unknown }): TableAccess[] => {
  const input = command.input as AnyInput;
  const one = (action: string, partition: string, index: string | null = null): TableAccess => ({
    action,
    index,
    partition,
  });
  switch (command.constructor.name) {
    case 'GetCommand':
      return [one('GetItem', keyOf(input, 'Key'))];
    case 'PutCommand':
      return [one('PutItem', keyOf(input, 'Item'))];
    case 'UpdateCommand':
      return [one('UpdateItem', keyOf(input, 'Key'))];
    case 'DeleteCommand':
      return [one('DeleteItem', keyOf(input, 'Key'))];
    case 'QueryCommand':
      return [one('Query', queriedPartition(input), (input.IndexName as string | undefined) ?? null)];
    case 'ScanCommand':
      return [one('Scan', '(any)', (input.IndexName as string | undefined) ?? null)];
    case 'BatchGetCommand':
      return Object.values(input.RequestItems as Record<string, { Keys: AnyInput[] }>).flatMap(({ Keys }) =>
        Keys.map((key) => one('BatchGetItem', String(key[tableDefinition.partitionKey]))),
      );
    case 'BatchWriteCommand':
      return Object.values(input.RequestItems as Record<string, AnyInput[]>).flatMap((requests) =>
        requests.map((request) =>
          one(
            'BatchWriteItem',
            request.PutRequest
              ? keyOf(request.PutRequest as AnyInput, 'Item')
              : keyOf(request.DeleteRequest as AnyInput, 'Key'),
          ),
        ),
      );
    case 'TransactGetCommand':
      return (input.TransactItems as { Get: AnyInput }[]).map(({ Get }) => one('GetItem', keyOf(Get, 'Key')));
    case 'TransactWriteCommand':
      return (input.TransactItems as AnyInput[]).map((item) => {
        if (item.Put) return one('PutItem', keyOf(item.Put as AnyInput, 'Item'));
        if (item.Update) return one('UpdateItem', keyOf(item.Update as AnyInput, 'Key'));
        if (item.Delete) return one('DeleteItem', keyOf(item.Delete as AnyInput, 'Key'));
        return one('ConditionCheckItem', keyOf(item.ConditionCheck as AnyInput, 'Key'));
      });
    default:
      return [one(`(unrecorded ${command.constructor.name})`, '(unknown)')];
  }
};

/**
 * Starts recording every command a document client sends (any client of this process: the
 * handler's own, made at its import). `stop` ends the recording and returns what was asked.
 */
export const recordTableAccess = (): { accesses: TableAccess[]; stop: () => TableAccess[] } => {
  const accesses: TableAccess[] = [];
  const original = DynamoDBDocumentClient.prototype.send;
  const spy = vi.spyOn(DynamoDBDocumentClient.prototype, 'send').mockImplementation(function (
    this: DynamoDBDocumentClient,
    ...args: unknown[]
  ) {
    accesses.push(...accessesOf(args[0] as { constructor: { name: string }; input: unknown }));
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as never);
  return {
    accesses,
    stop: () => {
      spy.mockRestore();
      return accesses;
    },
  };
};
