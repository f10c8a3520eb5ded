/** The users of the function's table, for the routers of the table-backed API functions (functions/shared/lazy-routes.ts). */
import * as z from 'zod/mini';
import { sharedDocumentClient } from '../shared/dynamodb-client.ts';
import { readEnv, tableEnv } from '../shared/env.ts';
import { createUserRepository } from './user.repository.ts';

export const tableUsers = createUserRepository(sharedDocumentClient(), readEnv(z.object(tableEnv)).TABLE_NAME);
