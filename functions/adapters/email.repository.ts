/** Received emails; a guard item on SES's message id makes storing one idempotent. */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { Email } from '../../domain/emails/email.ts';
import { truncationReasons } from '../../domain/emails/mail-limits.ts';
import { emailBySesMessageId, emailKey, emailsByReceivedAt, entityTags } from '../shared/table.ts';
import { parseStored } from '../shared/validation.ts';
import { queryIndexPage } from './index-page.ts';

const Mailbox = z.object({ name: z.nullable(z.string()), address: z.string() });

export const EmailSchema = z.object({
  id: z.string(),
  sesMessageId: z.string(),
  messageId: z.nullable(z.string()),
  subject: z.nullable(z.string()),
  from: z.nullable(Mailbox),
  to: z.array(Mailbox),
  cc: z.array(Mailbox),
  date: z.nullable(z.string()),
  receivedAt: z.string(),
  envelopeRecipients: z.array(z.string()),
  text: z.nullable(z.string()),
  textTruncated: z.boolean(),
  attachments: z.array(
    z.object({ filename: z.nullable(z.string()), size: z.number(), contentType: z.string(), key: z.string() }),
  ),
  raw: z.object({ bucket: z.string(), key: z.string() }),
  verdicts: z.record(z.string(), z.string()),
  // emails stored before the limits existed carry neither; nothing of them was cut
  truncated: z._default(z.boolean(), false),
  truncatedFields: z._default(z.array(z.enum(truncationReasons)), []),
});

export const createEmailRepository = (doc: DynamoDBDocumentClient, tableName: string) => ({
  /** Stores the email unless one with the same SES message id exists; returns false when it did. */
  async createOnce(email: Email): Promise<boolean> {
    try {
      await doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: tableName,
                Item: {
                  ...emailBySesMessageId(email.sesMessageId),
                  ...entityTags('email-ses-guard', 1),
                  emailId: email.id,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: tableName,
                Item: {
                  ...emailKey(email.id),
                  ...emailsByReceivedAt(email.receivedAt, email.id),
                  ...entityTags('email', 1),
                  ...email,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
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
    const res = await doc.send(new GetCommand({ TableName: tableName, Key: emailBySesMessageId(sesMessageId) }));
    return typeof res.Item?.emailId === 'string' ? res.Item.emailId : null;
  },

  /** Newest first, through gsi1. */
  async list(limit: number, cursor?: string): Promise<{ items: Email[]; nextCursor: string | null }> {
    const page = await queryIndexPage(doc, tableName, {
      index: 'gsi1',
      partition: 'EMAILS',
      limit,
      cursor,
      newestFirst: true,
    });
    return {
      items: page.items.map((item) => parseStored(EmailSchema, item, 'email')),
      nextCursor: page.nextCursor,
    };
  },
});

export type EmailRepository = ReturnType<typeof createEmailRepository>;
