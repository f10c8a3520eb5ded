/**
 * Agencies in the table: the agency with its keys' public parts (and their hashes, for revoking),
 * one item per API key found by the hash of its secret, the per-minute lead counters, and the
 * guards that store an agency's lead once.
 */
import * as z from 'zod/mini';
import { defineLeadGuard } from '../inbox/lead-guard.entity.ts';
import { defineEntity, onIndex } from '../shared/entity.ts';

const agenciesPartition = 'AGENCIES';

const StoredKey = z.object({
  id: z.string(),
  prefix: z.string(),
  createdAt: z.string(),
  revokedAt: z.nullable(z.string()),
  // kept with the agency so a key can be revoked by its id; a hash of a 256-bit secret reveals nothing
  secretHash: z.string(),
});

export const agencies = defineEntity({
  name: 'agency',
  version: 1,
  schema: z.lazy(() =>
    z.object({
      id: z.string(),
      name: z.string(),
      contactEmail: z.nullable(z.string()),
      defaultPriority: z.string(),
      responsibleUserId: z.nullable(z.string()),
      rateLimitPerMinute: z.number(),
      createdAt: z.string(),
      keys: z.array(StoredKey),
    }),
  ),
  key: (id: string) => ({ pk: `AGENCY#${id}`, sk: 'AGENCY' }),
  keyOf: (agency) => [agency.id],
  indexes: (agency) => [{ index: 'gsi1', pk: agenciesPartition, sk: `${agency.name.toLowerCase()}#${agency.id}` }],
  patterns: {
    /** every agency, by name (case-insensitive) */
    byName: () => onIndex('gsi1', agenciesPartition),
  },
});
export type StoredAgency = z.infer<typeof agencies.schema>;

/** The attribute that lists an agency's keys, for updates of one key in it. */
export const agencyKeysAttribute = 'keys' satisfies keyof StoredAgency;

/**
 * An API key, found by the hash of its secret (the secret itself is never stored). The hash is its
 * key only, not an attribute, so its item is built with the key given apart: `agencyApiKeyItem`,
 * never `item()`.
 */
export const agencyApiKeys = defineEntity({
  name: 'agency-api-key',
  version: 1,
  schema: z.lazy(() =>
    z.object({
      agencyId: z.string(),
      keyId: z.string(),
      prefix: z.string(),
      createdAt: z.string(),
      revokedAt: z.nullable(z.string()),
    }),
  ),
  key: (secretHash: string) => ({ pk: `AGENCYKEY#${secretHash}`, sk: 'AGENCYKEY' }),
  keyOf: (): [string] => {
    throw new Error('an agency-api-key is keyed by the secret hash it does not store: use agencyApiKeyItem');
  },
});
export type StoredApiKey = z.infer<typeof agencyApiKeys.schema>;

export const agencyApiKeyItem = (secretHash: string, key: StoredApiKey): Record<string, unknown> =>
  agencyApiKeys.itemAt(agencyApiKeys.key(secretHash), { ...key });

/**
 * A counter per agency and minute, for the agency's own lead limit; only ever changed by one
 * atomic update (`countLeadsUpdate`), which tags it the first time, and removed by its `ttl`.
 */
export const agencyRates = defineEntity({
  name: 'agency-rate',
  version: 1,
  schema: z.lazy(() => z.object({ leads: z.number(), ttl: z.number() })),
  key: (agencyId: string, window: string) => ({ pk: `AGENCYRATE#${agencyId}#${window}`, sk: 'RATE' }),
  keyOf: (): [string, string] => {
    throw new Error('an agency-rate counter is keyed by the agency and minute it does not store: use countLeadsUpdate');
  },
});

/** Adds `count` leads to a window's counter unless it holds more than `highestBefore` already. */
export const countLeadsUpdate = (count: number, highestBefore: number, expiresAtEpoch: number) => ({
  expression: 'SET #ttl = :ttl, #et = :et, #v = :v ADD #count :n',
  condition: 'attribute_not_exists(#count) OR #count <= :highest',
  names: { '#ttl': 'ttl', '#count': 'leads', '#et': '_et', '#v': '_v' },
  values: {
    ':ttl': expiresAtEpoch,
    ':n': count,
    ':highest': highestBefore,
    ':et': agencyRates.name,
    ':v': agencyRates.version,
  },
});

/** The guard that stores an agency's lead once per externalId (or per request place, or content): `(agencyId, id)`. */
export const agencyLeadGuards = defineLeadGuard('agency-lead-guard', 'AGENCYLEAD#', 'AGENCYLEAD');
