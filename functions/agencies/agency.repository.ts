/**
 * Agencies in the single table: the agency with its keys' public parts, one item per API key found
 * by the hash of its secret, the per-minute lead counters, and the answers kept for Idempotency-Key.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { type Agency, type AgencyKey, maxKeysPerAgency } from '../../domain/agencies/agency.ts';
import { conflict } from '../../domain/shared/errors.ts';
import type { IdempotencyWrite } from '../inbox/inbox-entry-writer.ts';
import { retrying } from '../shared/retry.ts';
import { createStore, type Page } from '../shared/store.ts';
import { tableDefinition } from '../shared/table.ts';
import {
  agencies,
  agencyApiKeyItem,
  agencyApiKeys,
  agencyKeysAttribute,
  agencyRates,
  countLeadsUpdate,
  type StoredAgency,
  type StoredApiKey,
} from './agency.entity.ts';

export type { StoredApiKey } from './agency.entity.ts';

export type NewAgencyKey = AgencyKey & { secretHash: string };

/** The agency as the API shows it: the keys' public parts only. */
const publicAgency = (stored: StoredAgency): Agency => ({
  ...stored,
  keys: stored.keys.map(({ secretHash: _hash, ...key }) => key),
});

const cancelledAt = (error: unknown, index: number): boolean =>
  error instanceof TransactionCanceledException &&
  error.CancellationReasons?.[index]?.Code === 'ConditionalCheckFailed';

const absent = 'attribute_not_exists(pk)';

export const createAgencyRepository = (doc: DynamoDBDocumentClient, tableName: string) => {
  const store = createStore(doc, tableName);
  const getStored = (id: string): Promise<StoredAgency | null> =>
    store.get(agencies, agencies.key(id), { consistent: true });

  return {
    async create(agency: Agency): Promise<void> {
      // keys only ever arrive through addKey, with the hash that revoking needs
      await store.put(agencies, { ...agency, keys: [] }, { expression: absent });
    },

    async get(id: string): Promise<Agency | null> {
      const stored = await getStored(id);
      return stored ? publicAgency(stored) : null;
    },

    /** By name (case-insensitive), as admins look for them. */
    async list(limit: number, cursor?: string): Promise<Page<Agency>> {
      const page = await store.query(agencies, agencies.patterns.byName(), { limit, cursor });
      return { items: page.items.map(publicAgency), nextCursor: page.nextCursor };
    },

    /**
     * The key's lookup item and its public part on the agency, in one transaction: a key never
     * works without being listed, nor is listed without working. Beyond maxKeysPerAgency: 409.
     */
    async addKey(agencyId: string, key: NewAgencyKey): Promise<void> {
      const { secretHash, ...shown } = key;
      const lookup = { agencyId, keyId: shown.id, prefix: shown.prefix, createdAt: shown.createdAt, revokedAt: null };
      try {
        await store.transact([
          { Put: { TableName: tableName, Item: agencyApiKeyItem(secretHash, lookup), ConditionExpression: absent } },
          {
            Update: {
              TableName: tableName,
              Key: agencies.key(agencyId),
              UpdateExpression: 'SET #keys = list_append(#keys, :key)',
              ConditionExpression: 'attribute_exists(pk) AND size(#keys) < :max',
              ExpressionAttributeNames: { '#keys': agencyKeysAttribute },
              ExpressionAttributeValues: { ':key': [{ ...shown, secretHash }], ':max': maxKeysPerAgency },
            },
          },
        ]);
      } catch (error) {
        if (cancelledAt(error, 1)) {
          throw conflict('too-many-keys', `agency ${agencyId} has ${maxKeysPerAgency} keys already`);
        }
        throw error;
      }
    },

    /**
     * Revokes a key on both items at once; the lookup item is what the lead route reads, so the key
     * stops working with this write. Revoking a revoked key changes nothing. Someone revoking it at
     * the same moment fails the agency's condition: read again and decide anew.
     */
    revokeKey: (agencyId: string, keyId: string, now: Date): Promise<'revoked' | 'unknown'> =>
      retrying(
        async () => {
          const stored = await getStored(agencyId);
          const index = stored?.keys.findIndex((k) => k.id === keyId) ?? -1;
          const key = stored?.keys[index];
          if (!key) return 'unknown';
          if (key.revokedAt !== null) return 'revoked';
          const at = now.toISOString();
          await store.transact([
            {
              Update: {
                TableName: tableName,
                Key: agencyApiKeys.key(key.secretHash),
                UpdateExpression: 'SET revokedAt = :at',
                ConditionExpression: 'attribute_exists(pk)',
                ExpressionAttributeValues: { ':at': at },
              },
            },
            {
              Update: {
                TableName: tableName,
                Key: agencies.key(agencyId),
                UpdateExpression: `SET #keys[${index}].revokedAt = :at`,
                ConditionExpression: `#keys[${index}].id = :keyId AND attribute_type(#keys[${index}].revokedAt, :null)`,
                ExpressionAttributeNames: { '#keys': agencyKeysAttribute },
                ExpressionAttributeValues: { ':at': at, ':keyId': keyId, ':null': 'NULL' },
              },
            },
          ]);
          return 'revoked';
        },
        { attempts: 3, retryable: (error) => cancelledAt(error, 1) },
      ),

    /** The key with this secret's hash; read consistently, so a revocation counts from its very write. */
    findKey: (secretHash: string): Promise<StoredApiKey | null> =>
      store.get(agencyApiKeys, agencyApiKeys.key(secretHash), { consistent: true }),

    /**
     * Counts `count` leads in the agency's window if the window stays within `highestBefore + count`:
     * one atomic ADD, so concurrent requests can never together pass the limit. False: over it,
     * and nothing was counted.
     */
    async countLeads(
      agencyId: string,
      window: { window: string; expiresAtEpoch: number },
      count: number,
      highestBefore: number,
    ): Promise<boolean> {
      try {
        await store.update(
          agencyRates.key(agencyId, window.window),
          countLeadsUpdate(count, highestBefore, window.expiresAtEpoch),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    /**
     * Keeps a batch's answer for its Idempotency-Key. A plain conditional put is enough: every lead
     * was already stored once-only by its own guard. False: another attempt kept its answer first.
     */
    async keepAnswer(record: IdempotencyWrite): Promise<boolean> {
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...record.key, ...record.record },
            // DynamoDB Local never expires items, so an expired record counts as absent here too.
            ConditionExpression: 'attribute_not_exists(pk) OR #ttl <= :now',
            ExpressionAttributeNames: { '#ttl': tableDefinition.ttlAttribute },
            ExpressionAttributeValues: { ':now': record.nowEpoch },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
  };
};

export type AgencyRepository = ReturnType<typeof createAgencyRepository>;
