/** Whether a Facebook lead is stored already: its leadgen-id guard, written with the inbox entry. */
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { facebookLeadKey } from '../shared/table.ts';

export const createFacebookLeadRepository = (doc: DynamoDBDocumentClient, tableName: string) => ({
  async isStored(leadgenId: string): Promise<boolean> {
    // An eventually consistent read is enough: a lead it misses is stopped by the guard's condition.
    const res = await doc.send(
      new GetCommand({ TableName: tableName, Key: facebookLeadKey(leadgenId), ProjectionExpression: 'pk' }),
    );
    return res.Item !== undefined;
  },
});

export type FacebookLeadRepository = ReturnType<typeof createFacebookLeadRepository>;
