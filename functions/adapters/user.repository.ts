/** CRM users, keyed by the identity provider's subject. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { conflict } from '../../domain/shared/errors.ts';
import { roles, type User } from '../../domain/users/user.ts';
import { entityTags, userKey, usersByEmail } from '../shared/table.ts';
import { parseStored } from '../shared/validation.ts';
import { queryIndexPage } from './index-page.ts';

export const UserSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  roles: z.array(z.enum(roles)),
});

export const createUserRepository = (doc: DynamoDBDocumentClient, tableName: string) => ({
  async findUser(id: string): Promise<User | null> {
    const res = await doc.send(new GetCommand({ TableName: tableName, Key: userKey(id) }));
    return res.Item ? parseStored(UserSchema, res.Item, 'user') : null;
  },

  /** Adds a user; an existing id is a 409 unless `upsert` (the local stack's seeding) says otherwise. */
  async save(user: User, options: { upsert?: boolean } = {}): Promise<void> {
    try {
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...userKey(user.id), ...usersByEmail(user.email), ...entityTags('user', 1), ...user },
          ...(options.upsert ? {} : { ConditionExpression: 'attribute_not_exists(pk)' }),
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        throw conflict('user-exists', `user ${user.id} exists already`);
      throw error;
    }
  },

  async list(limit: number, cursor?: string): Promise<{ items: User[]; nextCursor: string | null }> {
    const page = await queryIndexPage(doc, tableName, {
      index: 'gsi1',
      partition: 'USERS',
      limit,
      cursor,
    });
    return {
      items: page.items.map((item) => parseStored(UserSchema, item, 'user')),
      nextCursor: page.nextCursor,
    };
  },
});

export type UserRepository = ReturnType<typeof createUserRepository>;
