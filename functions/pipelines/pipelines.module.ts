/** Pipelines with their steps and activity plans. */

import { defineModule, routesOf } from '../shared/module.ts';
import { pipelinesRoutes } from './pipelines.routes.ts';

export default defineModule({
  functions: {
    'pipelines-api': {
      entry: 'pipelines-api.handler.ts',
      description: 'Lead and deal pipelines with their steps and activity plans (admins write)',
      timeoutSeconds: 10,
      memoryMb: 512,
      access: { table: 'readWrite' },
      routes: routesOf(pipelinesRoutes),
    },
  },
});
