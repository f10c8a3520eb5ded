/** Lambda: /v1/me and /v1/users. */
import * as z from 'zod/mini';
import { httpRouter } from '../shared/aws-http.ts';
import { createDocumentClient } from '../shared/dynamodb-client.ts';
import { readEnv, tableEnv } from '../shared/env.ts';
import { routeTable } from '../shared/http.ts';
import { createUserRepository } from './user.repository.ts';
import { usersRoutes } from './users.routes.ts';
import { createUser, getMe, listUsers } from './users.ts';

const env = readEnv(z.object(tableEnv));
const users = createUserRepository(createDocumentClient(), env.TABLE_NAME);

export const handler = httpRouter(
  routeTable(usersRoutes, {
    'GET /v1/me': getMe,
    'GET /v1/users': listUsers(users),
    'POST /v1/users': createUser(users),
  }),
  users,
);
