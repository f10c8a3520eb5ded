/** A user's alternative addresses and their confirmation tokens. */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createStore } from '../shared/store.ts';
import { userAddresses, userAddressTokens } from './user-address.entity.ts';

export type UserAddress = typeof userAddresses.schema._zod.output;

export const createUserAddressRepository = (doc: DynamoDBDocumentClient, tableName: string) => {
  const store = createStore(doc, tableName);
  return {
    get: (address: string): Promise<UserAddress | null> =>
      store.get(userAddresses, userAddresses.key(address), { consistent: true }),

    listOf: (userId: string): Promise<UserAddress[]> =>
      store.queryAll(userAddresses, userAddresses.patterns.ofUser(userId)),

    /**
     * Records a pending address with its token, unless the address is confirmed meanwhile (by
     * anyone): a pending request of another user is replaced, since only a confirmation proves
     * the address. Returns false when a confirmed address stood in the way.
     */
    async request(record: UserAddress & { tokenHash: string; expiresAt: number }): Promise<boolean> {
      try {
        await store.transact([
          userAddresses.put(tableName, record, {
            expression: 'attribute_not_exists(pk) OR #status = :pending',
            names: { '#status': 'status' },
            values: { ':pending': 'pending' },
          }),
          userAddressTokens.put(tableName, {
            tokenHash: record.tokenHash,
            address: record.address,
            userId: record.userId,
            expiresAt: record.expiresAt,
          }),
        ]);
        return true;
      } catch (error) {
        if (
          error instanceof TransactionCanceledException &&
          error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
        )
          return false;
        throw error;
      }
    },

    /** The pending address a token confirms, unless the token is unknown, expired or replaced by a later request. */
    async pendingFor(tokenHash: string, nowSeconds: number): Promise<UserAddress | null> {
      const token = await store.get(userAddressTokens, userAddressTokens.key(tokenHash), { consistent: true });
      if (!token || token.expiresAt <= nowSeconds) return null;
      const address = await store.get(userAddresses, userAddresses.key(token.address), { consistent: true });
      return address?.status === 'pending' && address.tokenHash === tokenHash ? address : null;
    },

    /** Confirms the pending address of this token; false when it is no longer pending with it. */
    async confirm(address: UserAddress, confirmedAt: string): Promise<boolean> {
      const { expiresAt: _expires, ...rest } = address;
      try {
        await store.transact([
          userAddresses.put(
            tableName,
            { ...rest, status: 'confirmed', tokenHash: null, confirmedAt },
            {
              expression: '#status = :pending AND tokenHash = :token',
              names: { '#status': 'status' },
              values: { ':pending': 'pending', ':token': address.tokenHash },
            },
          ),
          userAddressTokens.delete(tableName, address.tokenHash ?? ''),
        ]);
        return true;
      } catch (error) {
        if (error instanceof TransactionCanceledException) return false;
        throw error;
      }
    },

    /** Removes one of the user's addresses; false when it is not theirs. */
    async remove(userId: string, address: string): Promise<boolean> {
      const found = await store.get(userAddresses, userAddresses.key(address), { consistent: true });
      if (!found || found.userId !== userId) return false;
      await store.delete(userAddresses.key(address), {
        expression: 'userId = :user',
        values: { ':user': userId },
      });
      return true;
    },
  };
};

export type UserAddressRepository = ReturnType<typeof createUserAddressRepository>;
