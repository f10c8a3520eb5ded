/** CRM users and their roles. */

import { defineModule, routesOf } from '../shared/module.ts';
import { usersRoutes } from './users.routes.ts';

export default defineModule({
  functions: {
    'users-api': {
      entry: 'users-api.handler.ts',
      description: 'CRM users and their roles',
      timeoutSeconds: 10,
      memoryMb: 512,
      access: { table: 'readWrite' },
      routes: routesOf(usersRoutes),
    },
  },
});
