/**
 * Agencies in the single table: the agency with its keys' public parts, one item per API key found
 * by the hash of its secret, the per-minute lead counters, and the answers kept for Idempotency-Key.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { type Agency, type AgencyKey, maxKeysPerAgency } from '../../domain/agencies/agency.ts';
import { conflict } from '../../domain/shared/errors.ts';
import type { IdempotencyWrite } from '../adapters/inbox-entry.repository.ts';
import { queryIndexPage } from '../adapters/index-page.ts';
import { agenciesByName, agencyApiKeyKey, agencyKey, agencyRateKey, entityTags } from '../shared/table.ts';
import { parseStored } from '../shared/validation.ts';

const StoredKey = z.object({
  id: z.string(),
  prefix: z.string(),
  createdAt: z.string(),
  revokedAt: z.nullable(z.string()),
  // kept with the agency so a key can be revoked by its id; a hash of a 256-bit secret reveals nothing
  secretHash: z.string(),
});

const StoredAgency = z.object({
  id: z.string(),
  name: z.string(),
  contactEmail: z.nullable(z.string()),
  defaultPriority: z.string(),
  responsibleUserId: z.nullable(z.string()),
  rateLimitPerMinute: z.number(),
  createdAt: z.string(),
  keys: z.array(StoredKey),
});
type StoredAgency = z.infer<typeof StoredAgency>;

const StoredApiKey = z.object({
  agencyId: z.string(),
  keyId: z.string(),
  prefix: z.string(),
  createdAt: z.string(),
  revokedAt: z.nullable(z.string()),
});
export type StoredApiKey = z.infer<typeof StoredApiKey>;

export type NewAgencyKey = AgencyKey & { secretHash: string };

/** The agency as the API shows it: the keys' public parts only. */
const publicAgency = (stored: StoredAgency): Agency => ({
  ...stored,
  keys: stored.keys.map(({ secretHash: _hash, ...key }) => key),
});

const cancelledAt = (error: unknown, index: number): boolean =>
  error instanceof TransactionCanceledException &&
  error.CancellationReasons?.[index]?.Code === 'ConditionalCheckFailed';

export const createAgencyRepository = (doc: DynamoDBDocumentClient, tableName: string) => {
  const getStored = async (id: string): Promise<StoredAgency | null> => {
    const res = await doc.send(new GetCommand({ TableName: tableName, Key: agencyKey(id), ConsistentRead: true }));
    return res.Item ? parseStored(StoredAgency, res.Item, 'agency') : null;
  };

  return {
    async create(agency: Agency): Promise<void> {
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...agencyKey(agency.id),
            ...agenciesByName(agency.name, agency.id),
            ...entityTags('agency', 1),
            ...agency,
            // keys only ever arrive through addKey, with the hash that revoking needs
            keys: [],
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },

    async get(id: string): Promise<Agency | null> {
      const stored = await getStored(id);
      return stored ? publicAgency(stored) : null;
    },

    /** By name (case-insensitive), as admins look for them. */
    async list(limit: number, cursor?: string): Promise<{ items: Agency[]; nextCursor: string | null }> {
      const page = await queryIndexPage(doc, tableName, { index: 'gsi1', partition: 'AGENCIES', limit, cursor });
      return {
        items: page.items.map((item) => publicAgency(parseStored(StoredAgency, item, 'agency'))),
        nextCursor: page.nextCursor,
      };
    },

    /**
     * The key's lookup item and its public part on the agency, in one transaction: a key never
     * works without being listed, nor is listed without working. Beyond maxKeysPerAgency: 409.
     */
    async addKey(agencyId: string, key: NewAgencyKey): Promise<void> {
      const { secretHash, ...shown } = key;
      try {
        await doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: tableName,
                  Item: {
                    ...agencyApiKeyKey(secretHash),
                    ...entityTags('agency-api-key', 1),
                    agencyId,
                    keyId: shown.id,
                    prefix: shown.prefix,
                    createdAt: shown.createdAt,
                    revokedAt: null,
                  },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Update: {
                  TableName: tableName,
                  Key: agencyKey(agencyId),
                  UpdateExpression: 'SET #keys = list_append(#keys, :key)',
                  ConditionExpression: 'attribute_exists(pk) AND size(#keys) < :max',
                  ExpressionAttributeNames: { '#keys': 'keys' },
                  ExpressionAttributeValues: { ':key': [{ ...shown, secretHash }], ':max': maxKeysPerAgency },
                },
              },
            ],
          }),
        );
      } catch (error) {
        if (cancelledAt(error, 1)) {
          throw conflict('too-many-keys', `agency ${agencyId} has ${maxKeysPerAgency} keys already`);
        }
        throw error;
      }
    },

    /**
     * Revokes a key on both items at once; the lookup item is what the lead route reads, so the key
     * stops working with this write. Revoking a revoked key changes nothing.
     */
    async revokeKey(agencyId: string, keyId: string, now: Date): Promise<'revoked' | 'unknown'> {
      for (let attempt = 1; ; attempt += 1) {
        const stored = await getStored(agencyId);
        const index = stored?.keys.findIndex((k) => k.id === keyId) ?? -1;
        const key = stored?.keys[index];
        if (!key) return 'unknown';
        if (key.revokedAt !== null) return 'revoked';
        const at = now.toISOString();
        try {
          await doc.send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Update: {
                    TableName: tableName,
                    Key: agencyApiKeyKey(key.secretHash),
                    UpdateExpression: 'SET revokedAt = :at',
                    ConditionExpression: 'attribute_exists(pk)',
                    ExpressionAttributeValues: { ':at': at },
                  },
                },
                {
                  Update: {
                    TableName: tableName,
                    Key: agencyKey(agencyId),
                    UpdateExpression: `SET #keys[${index}].revokedAt = :at`,
                    ConditionExpression: `#keys[${index}].id = :keyId AND attribute_type(#keys[${index}].revokedAt, :null)`,
                    ExpressionAttributeNames: { '#keys': 'keys' },
                    ExpressionAttributeValues: { ':at': at, ':keyId': keyId, ':null': 'NULL' },
                  },
                },
              ],
            }),
          );
          return 'revoked';
        } catch (error) {
          // someone revoked it at the same moment: read again and decide anew
          if (!cancelledAt(error, 1) || attempt >= 3) throw error;
        }
      }
    },

    /** The key with this secret's hash; read consistently, so a revocation counts from its very write. */
    async findKey(secretHash: string): Promise<StoredApiKey | null> {
      const res = await doc.send(
        new GetCommand({ TableName: tableName, Key: agencyApiKeyKey(secretHash), ConsistentRead: true }),
      );
      return res.Item ? parseStored(StoredApiKey, res.Item, 'agency API key') : null;
    },

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
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: agencyRateKey(agencyId, window.window),
            UpdateExpression: 'SET #ttl = :ttl, #et = :et, #v = :v ADD #count :n',
            ConditionExpression: 'attribute_not_exists(#count) OR #count <= :highest',
            ExpressionAttributeNames: { '#ttl': 'ttl', '#count': 'leads', '#et': '_et', '#v': '_v' },
            ExpressionAttributeValues: {
              ':ttl': window.expiresAtEpoch,
              ':n': count,
              ':highest': highestBefore,
              ':et': 'agency-rate',
              ':v': 1,
            },
          }),
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
            ExpressionAttributeNames: { '#ttl': 'ttl' },
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
