/** CSV imports. */

import { inboxEntries } from '../inbox/inbox-entry.entity.ts';
import { defineModule, routesOf } from '../shared/module.ts';
import { csvImports, importErrors, importedRows } from './import.entity.ts';
import { importsRoutes } from './imports.routes.ts';

export default defineModule({
  functions: {
    'imports-api': {
      entry: 'imports-api.handler.ts',
      description: 'CSV imports: create (with an upload URL), start, read the report',
      timeoutSeconds: 10,
      memoryMb: 512,
      access: { table: 'readWrite', send: ['csv-imports'], mailBucket: { readWrite: ['imports/'] } },
      routes: routesOf(importsRoutes),
    },
    'import-worker': {
      entry: 'import-worker.handler.ts',
      description: 'Streams an uploaded CSV file into the inbox in checkpointed chunks',
      timeoutSeconds: 300,
      memoryMb: 1024,
      // the worker streams the file chunk by chunk: its live heap stays near 70 MB whatever the
      // file's size (BENCH_ONLY=csv npm run bench); without a limit V8 lets garbage grow towards a
      // quarter of the memory before collecting it. 1,024 MB stays for the CPU share it buys.
      heapMb: 128,
      // the import it runs, its errors and entries, and reads of its rows' guards (the duplicate-check
      // worker writes them); batch writes put only (ids derive from the rows, so a retried chunk finds
      // what it wrote)
      access: {
        table: {
          get: [csvImports, importedRows, inboxEntries],
          update: [csvImports],
          batchWrite: [csvImports, importErrors, inboxEntries],
        },
        send: ['csv-imports', 'duplicate-check'],
        mailBucket: { read: ['imports/'] },
      },
      consumes: { queue: 'csv-imports', batchSize: 1, visibilityTimeoutSeconds: 1800, maxReceiveCount: 5 },
    },
  },
});
