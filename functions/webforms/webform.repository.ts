/** Web-form configurations (functions/webforms/webform.entity.ts); each keeps a signing secret it never shows. */
import { randomBytes } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conflict } from '../../domain/shared/errors.ts';
import type { Webform } from '../../domain/webforms/webform.ts';
import { createStore, type Page } from '../shared/store.ts';
import { webforms } from './webform.entity.ts';

const newSecret = (): string => randomBytes(32).toString('base64url');

export type StoredWebform = { form: Webform; signingSecret: string };

const withoutSecret = ({ signingSecret: _secret, ...form }: Webform & { signingSecret?: string }): Webform => form;

export const createWebformRepository = (doc: DynamoDBDocumentClient, tableName: string) => {
  const store = createStore(doc, tableName);

  const get = async (key: string): Promise<StoredWebform | null> => {
    const stored = await store.get(webforms, webforms.key(key));
    if (!stored) return null;
    const form = withoutSecret(stored);
    if (stored.signingSecret) return { form, signingSecret: stored.signingSecret };
    // A form stored before signing has no secret yet: give it one, once, whoever asks first.
    const secret = newSecret();
    try {
      await store.update(webforms.key(key), {
        expression: 'SET signingSecret = :secret',
        condition: 'attribute_not_exists(signingSecret)',
        values: { ':secret': secret },
      });
      return { form, signingSecret: secret };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return get(key);
      throw error;
    }
  };

  return {
    get,

    /** A new form with a fresh signing secret; an existing key is a 409. */
    async create(form: Webform): Promise<void> {
      try {
        await store.put(webforms, { ...form, signingSecret: newSecret() }, { expression: 'attribute_not_exists(pk)' });
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
        await store.put(
          webforms,
          { ...form, signingSecret },
          { expression: 'version = :expected', values: { ':expected': expectedVersion } },
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) {
          throw conflict('stale-version', `web form ${form.key} has changed since version ${expectedVersion}`);
        }
        throw error;
      }
    },

    async list(limit: number, cursor?: string): Promise<Page<Webform>> {
      const page = await store.query(webforms, webforms.patterns.byKey(), { limit, cursor });
      return { items: page.items.map(withoutSecret), nextCursor: page.nextCursor };
    },
  };
};

export type WebformRepository = ReturnType<typeof createWebformRepository>;
