/** CRM users and their roles. */

import { defineModule, routesOf } from '../shared/module.ts';
import { usersRoutes } from './users.routes.ts';

export default defineModule({
  functions: {
    'users-api': {
      entry: 'users-api.handler.ts',
      description: 'CRM users, their roles and their alternative addresses for Smart BCC',
      timeoutSeconds: 10,
      memoryMb: 512,
      // sendEmail: the confirmation link of an alternative address
      access: { table: 'readWrite', sendEmail: true },
      routes: routesOf(usersRoutes),
    },
  },
});
