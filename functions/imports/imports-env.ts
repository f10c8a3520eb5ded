/** The csv-imports queue's URL, which the import API and the worker (for its hand-overs) send to. */
import * as z from 'zod/mini';

export const csvImportsQueueEnv = { QUEUE_URL_CSV_IMPORTS: z.string().check(z.minLength(1)) };
