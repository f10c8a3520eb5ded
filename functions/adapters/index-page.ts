/** One page of an index partition, with the opaque cursor API.md describes. */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor } from '../shared/cursor.ts';
import type { IndexName } from '../shared/table.ts';

export type IndexPage = { items: Record<string, unknown>[]; nextCursor: string | null };

export const queryIndexPage = async (
  doc: DynamoDBDocumentClient,
  tableName: string,
  query: { index: IndexName; partition: string; limit: number; cursor?: string | undefined; newestFirst?: boolean },
): Promise<IndexPage> => {
  const start = decodeCursor(query.cursor, { index: query.index, partition: query.partition });
  const res = await doc.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: query.index,
      KeyConditionExpression: `${query.index}pk = :pk`,
      ExpressionAttributeValues: { ':pk': query.partition },
      ScanIndexForward: !query.newestFirst,
      Limit: query.limit,
      ...(start ? { ExclusiveStartKey: start } : {}),
    }),
  );
  return { items: res.Items ?? [], nextCursor: encodeCursor(res.LastEvaluatedKey) };
};

/** Every item of an index partition, page after page (short partitions only: a board column, the pipelines). */
export const queryWholePartition = async (
  doc: DynamoDBDocumentClient,
  tableName: string,
  query: { index: IndexName; partition: string; newestFirst?: boolean },
): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await doc.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: query.index,
        KeyConditionExpression: `${query.index}pk = :pk`,
        ExpressionAttributeValues: { ':pk': query.partition },
        ScanIndexForward: !query.newestFirst,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    items.push(...(res.Items ?? []));
    start = res.LastEvaluatedKey;
  } while (start);
  return items;
};
