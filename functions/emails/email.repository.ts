/** Received emails; a guard item on SES's message id makes storing one idempotent. */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Email } from '../../domain/emails/email.ts';
import { createStore, type Page } from '../shared/store.ts';
import { emailSesGuardItem, emailSesGuards, emails } from './email.entity.ts';

const absent = { expression: 'attribute_not_exists(pk)' };

export const createEmailRepository = (doc: DynamoDBDocumentClient, tableName: string) => {
  const store = createStore(doc, tableName);
  return {
    /** Stores the email unless one with the same SES message id exists; returns false when it did. */
    async createOnce(email: Email): Promise<boolean> {
      try {
        await store.transact([
          {
            Put: {
              TableName: tableName,
              Item: emailSesGuardItem(email.sesMessageId, email.id),
              ConditionExpression: absent.expression,
            },
          },
          emails.put(tableName, email, absent),
        ]);
        return true;
      } catch (error) {
        const guardTaken =
          error instanceof TransactionCanceledException &&
          error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed';
        if (guardTaken) return false;
        throw error;
      }
    },

    async findIdBySesMessageId(sesMessageId: string): Promise<string | null> {
      const guard = await store.get(emailSesGuards, emailSesGuards.key(sesMessageId));
      return guard?.emailId ?? null;
    },

    /** Newest first. */
    async list(limit: number, cursor?: string): Promise<Page<Email>> {
      const page = await store.queryMerged(emails.patterns.byReceivedAt(), { limit, cursor, newestFirst: true });
      return { items: page.items.map((item) => emails.parse(item)), nextCursor: page.nextCursor };
    },
  };
};

export type EmailRepository = ReturnType<typeof createEmailRepository>;
