/**
 * A user's alternative email addresses (Smart BCC accepts mail from them once confirmed): keyed by
 * the address, so the email worker finds the user in one read, and listed per user.
 */
import * as z from 'zod/mini';
import { defineEntity, onIndex } from '../shared/entity.ts';

const ofUser = (userId: string): string => `USERADDRS#${userId}`;

export const userAddressStatuses = ['pending', 'confirmed'] as const;

export const userAddresses = defineEntity({
  name: 'user-address',
  version: 1,
  schema: z.lazy(() =>
    z.object({
      address: z.string(),
      userId: z.string(),
      status: z.enum(userAddressStatuses),
      /** SHA-256 of the confirmation token (the token itself is only in the mail) */
      tokenHash: z.nullable(z.string()),
      requestedAt: z.string(),
      confirmedAt: z.nullable(z.string()),
      /** a pending address's confirmation expires (epoch seconds, DynamoDB's TTL); a confirmed one does not */
      expiresAt: z.optional(z.number()),
    }),
  ),
  key: (address: string) => ({ pk: `USERADDR#${address}`, sk: 'USERADDR' }),
  keyOf: (record) => [record.address],
  indexes: (record) => [{ index: 'gsi1', pk: ofUser(record.userId), sk: record.address }],
  derived: (record) => (record.expiresAt === undefined ? {} : { ttl: record.expiresAt }),
  patterns: {
    /** one user's addresses, by address */
    ofUser: (userId: string) => onIndex('gsi1', ofUser(userId)),
  },
});

/** A confirmation token's lookup: the token's hash → the address it confirms. */
export const userAddressTokens = defineEntity({
  name: 'user-address-token',
  version: 1,
  schema: z.lazy(() =>
    z.object({ tokenHash: z.string(), address: z.string(), userId: z.string(), expiresAt: z.number() }),
  ),
  key: (tokenHash: string) => ({ pk: `USERADDRTOKEN#${tokenHash}`, sk: 'USERADDRTOKEN' }),
  keyOf: (record) => [record.tokenHash],
  derived: (record) => ({ ttl: record.expiresAt }),
});
