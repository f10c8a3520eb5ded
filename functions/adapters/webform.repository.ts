/** Web-form configurations, keyed by the form key that websites post to; each keeps a signing secret it never shows. */
import { randomBytes } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { conflict } from '../../domain/shared/errors.ts';
import { mappingTargets, type Webform } from '../../domain/webforms/webform.ts';
import { entityTags, webformKey, webformsByKey } from '../shared/table.ts';
import { parseStored } from '../shared/validation.ts';
import { queryIndexPage } from './index-page.ts';

export const WebformSchema = z.object({
  key: z.string(),
  name: z.string(),
  allowedOrigins: z.array(z.string()),
  fieldMapping: z.record(z.string(), z.enum(mappingTargets)),
  defaultPriority: z.string(),
  responsibleUserId: z.nullable(z.string()),
  thankYouUrl: z.nullable(z.string()),
  consentText: z.nullable(z.string()),
  // Schema version 1 items (before spam settings and versioning) read with these defaults.
  honeypotField: z._default(z.string(), 'website'),
  minFillSeconds: z._default(z.number(), 0),
  createdAt: z._default(z.string(), '1970-01-01T00:00:00.000Z'),
  updatedAt: z._default(z.string(), '1970-01-01T00:00:00.000Z'),
  version: z._default(z.number(), 1),
});

const Secret = z.object({ signingSecret: z.optional(z.string().check(z.minLength(32))) });

const newSecret = (): string => randomBytes(32).toString('base64url');

export type StoredWebform = { form: Webform; signingSecret: string };

const item = (form: Webform, signingSecret: string) => ({
  ...webformKey(form.key),
  ...webformsByKey(form.key),
  ...entityTags('webform', 1),
  ...form,
  signingSecret,
});

export const createWebformRepository = (doc: DynamoDBDocumentClient, tableName: string) => ({
  async get(key: string): Promise<StoredWebform | null> {
    const res = await doc.send(new GetCommand({ TableName: tableName, Key: webformKey(key) }));
    if (!res.Item) return null;
    const form = parseStored(WebformSchema, res.Item, 'web form');
    const stored = parseStored(Secret, res.Item, 'web form secret').signingSecret;
    if (stored) return { form, signingSecret: stored };
    // A form from schema version 1 has no secret yet: give it one, once, whoever asks first.
    const secret = newSecret();
    try {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: webformKey(key),
          UpdateExpression: 'SET signingSecret = :secret',
          ConditionExpression: 'attribute_not_exists(signingSecret)',
          ExpressionAttributeValues: { ':secret': secret },
        }),
      );
      return { form, signingSecret: secret };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return this.get(key);
      throw error;
    }
  },

  /** A new form with a fresh signing secret; an existing key is a 409. */
  async create(form: Webform): Promise<void> {
    try {
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: item(form, newSecret()),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw conflict('webform-exists', `a web form with the key ${form.key} exists already`);
      }
      throw error;
    }
  },

  /** Replaces the configuration if nobody changed it since `expectedVersion`; the secret stays. */
  async update(form: Webform, signingSecret: string, expectedVersion: number): Promise<void> {
    try {
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: item(form, signingSecret),
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': expectedVersion },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw conflict('stale-version', `web form ${form.key} has changed since version ${expectedVersion}`);
      }
      throw error;
    }
  },

  async list(limit: number, cursor?: string): Promise<{ items: Webform[]; nextCursor: string | null }> {
    const page = await queryIndexPage(doc, tableName, {
      index: 'gsi1',
      partition: 'WEBFORMS',
      limit,
      cursor,
    });
    return {
      items: page.items.map((item) => parseStored(WebformSchema, item, 'web form')),
      nextCursor: page.nextCursor,
    };
  },
});

export type WebformRepository = ReturnType<typeof createWebformRepository>;
