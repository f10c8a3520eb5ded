/** Settings: the configurable lists. */

import { defineModule, routesOf } from '../shared/module.ts';
import { settingsRoutes } from './settings.routes.ts';

export default defineModule({
  functions: {
    'settings-api': {
      entry: 'settings-api.handler.ts',
      description: 'Configurable lists: sources and priorities',
      timeoutSeconds: 10,
      memoryMb: 256,
      access: { table: 'readWrite' },
      routes: routesOf(settingsRoutes),
    },
  },
});
