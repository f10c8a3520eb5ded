/** Lambda: consumes the table's stream (person and company records only) and keeps the value counts of duplicate protection. */

import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { initDeferred } from '../../domain/shared/deferred-init.ts';
import { scheduledRun } from '../shared/correlation.ts';
import { createDocumentClient } from '../shared/dynamodb-client.ts';
import { readEnv, tableEnv } from '../shared/env.ts';
import { decodeStreamImage } from '../shared/stream-image.ts';
import { changesOf, countFrequencies } from './count-frequencies.ts';
import { createFrequencyCounter } from './match-frequencies.ts';

const env = readEnv(z.object(tableEnv));
const count = countFrequencies({
  counter: createFrequencyCounter(createDocumentClient(), env.TABLE_NAME),
  now: () => new Date(),
});

// a batch of table changes under the invocation's id: its log lines carry it with the function's
export const handler = async (event: DynamoDBStreamEvent, context?: Context) =>
  scheduledRun(context, async () => {
    await initDeferred();
    return count(changesOf(event, decodeStreamImage));
  });
