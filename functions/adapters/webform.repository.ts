/** Web-form configurations, keyed by the form key that websites post to. */
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { Webform } from '../../domain/webforms/webform.ts';
import { entityTags, webformKey } from '../shared/table.ts';
import { parseStored } from '../shared/validation.ts';

const contactFields = [
  'salutation',
  'title',
  'firstName',
  'lastName',
  'email',
  'phone',
  'companyName',
  'street',
  'postalCode',
  'city',
  'country',
  'message',
] as const;

export const WebformSchema = z.object({
  key: z.string(),
  name: z.string(),
  allowedOrigins: z.array(z.string()),
  fieldMapping: z.record(z.string(), z.enum(contactFields)),
  defaultPriority: z.string(),
  responsibleUserId: z.nullable(z.string()),
  thankYouUrl: z.nullable(z.string()),
  consentText: z.nullable(z.string()),
});

export const createWebformRepository = (doc: DynamoDBDocumentClient, tableName: string) => ({
  async get(key: string): Promise<Webform | null> {
    const res = await doc.send(new GetCommand({ TableName: tableName, Key: webformKey(key) }));
    return res.Item ? parseStored(WebformSchema, res.Item, 'web form') : null;
  },

  async save(form: Webform): Promise<void> {
    await doc.send(
      new PutCommand({ TableName: tableName, Item: { ...webformKey(form.key), ...entityTags('webform', 1), ...form } }),
    );
  },
});

export type WebformRepository = ReturnType<typeof createWebformRepository>;
