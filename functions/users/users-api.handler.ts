/** Lambda: /v1/me and /v1/users. */
import * as z from 'zod/mini';
import { createUserRepository } from '../adapters/user.repository.ts';
import { createDocumentClient } from '../shared/dynamodb-client.ts';
import { readEnv, tableEnv } from '../shared/env.ts';
import { httpRouter, route } from '../shared/http.ts';
import { createUser, getMe, ListQuery, listUsers, NewUserBody } from './users.ts';

const env = readEnv(z.object(tableEnv));
const users = createUserRepository(createDocumentClient(), env.TABLE_NAME);

export const handler = httpRouter(
  {
    'GET /v1/me': route({ auth: 'user' }, getMe),
    'GET /v1/users': route({ auth: 'user', query: ListQuery }, listUsers(users)),
    'POST /v1/users': route({ auth: 'admin', body: NewUserBody }, createUser(users)),
  },
  users,
);
