/** Whether a Facebook lead is stored already: its leadgen-id guard, written with the inbox entry. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createStore } from '../shared/store.ts';
import { facebookLeads } from './facebook-lead.entity.ts';

export const createFacebookLeadRepository = (doc: DynamoDBDocumentClient, tableName: string) => {
  const store = createStore(doc, tableName);
  return {
    async isStored(leadgenId: string): Promise<boolean> {
      // An eventually consistent read is enough: a lead it misses is stopped by the guard's condition.
      return (await store.getItem(facebookLeads.key(leadgenId))) !== undefined;
    },
  };
};

export type FacebookLeadRepository = ReturnType<typeof createFacebookLeadRepository>;
