/** CRM users in the table: keyed by the identity provider's subject, listed by email. */
import * as z from 'zod/mini';
import { roles } from '../../domain/users/user.ts';
import { defineEntity, onIndex } from '../shared/entity.ts';

const usersPartition = 'USERS';

export const users = defineEntity({
  name: 'user',
  version: 1,
  schema: z.lazy(() =>
    z.object({ id: z.string(), email: z.string(), name: z.string(), roles: z.array(z.enum(roles)) }),
  ),
  key: (id: string) => ({ pk: `USER#${id}`, sk: 'USER' }),
  keyOf: (user) => [user.id],
  indexes: (user) => [{ index: 'gsi1', pk: usersPartition, sk: user.email }],
  patterns: {
    /** every user, by email */
    byEmail: () => onIndex('gsi1', usersPartition),
  },
});
