/** CRM users, keyed by the identity provider's subject. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conflict } from '../../domain/shared/errors.ts';
import type { User } from '../../domain/users/user.ts';
import { createStore, type Page } from '../shared/store.ts';
import { users } from './user.entity.ts';

export const createUserRepository = (doc: DynamoDBDocumentClient, tableName: string) => {
  const store = createStore(doc, tableName);
  return {
    findUser: (id: string): Promise<User | null> => store.get(users, users.key(id)),

    /** Adds a user; an existing id is a 409 unless `upsert` (the local stack's seeding) says otherwise. */
    async save(user: User, options: { upsert?: boolean } = {}): Promise<void> {
      try {
        await store.put(users, user, options.upsert ? undefined : { expression: 'attribute_not_exists(pk)' });
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException)
          throw conflict('user-exists', `user ${user.id} exists already`);
        throw error;
      }
    },

    list: (limit: number, cursor?: string): Promise<Page<User>> =>
      store.query(users, users.patterns.byEmail(), { limit, cursor }),
  };
};

export type UserRepository = ReturnType<typeof createUserRepository>;
