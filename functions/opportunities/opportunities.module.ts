/** Opportunities and the conversion of inbox entries into them. */

import { defineModule, routesOf } from '../shared/module.ts';
import { conversionRoutes } from './conversion.routes.ts';
import { opportunitiesRoutes } from './opportunities.routes.ts';

export default defineModule({
  functions: {
    'opportunities-api': {
      entry: 'opportunities-api.handler.ts',
      description: 'Opportunities: conversion of inbox entries, numbers, pipeline steps, won and lost, the board',
      timeoutSeconds: 10,
      memoryMb: 512,
      access: { table: 'readWrite', send: ['activity-plans'] },
      routes: routesOf(opportunitiesRoutes, conversionRoutes),
    },
  },
});
