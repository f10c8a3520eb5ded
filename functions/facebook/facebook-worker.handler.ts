/** Lambda: consumes the facebook-leads queue, one lead fetched and stored per record. */
import * as z from 'zod/mini';
import { FacebookLeadReceivedV1 } from '../../events/facebook-lead-received.v1.ts';
import { createInboxEntryWriter } from '../inbox/inbox-entry-writer.ts';
import { createDocumentClient } from '../shared/dynamodb-client.ts';
import { queueMaxReceivesEnv, queueUrlEnv, readEnv, tableEnv } from '../shared/env.ts';
import { createQueuePublisher } from '../shared/queue-publisher.ts';
import { sqsHandler } from '../shared/sqs.ts';
import { createSqsClient } from '../shared/sqs-client.ts';
import { createSsmClient } from '../shared/ssm-client.ts';
import { facebookConfigEnv, facebookConfigLoader } from './facebook-config.ts';
import { createFacebookLeadRepository } from './facebook-lead.repository.ts';
import { fetchFacebookLead } from './fetch-facebook-lead.ts';
import { createGraphClient, graphApiEnv } from './graph-client.ts';

const env = readEnv(
  z.object({
    ...tableEnv,
    ...queueUrlEnv('duplicate-check'),
    ...facebookConfigEnv,
    ...graphApiEnv,
    ...queueMaxReceivesEnv('facebook-leads'),
  }),
);
const doc = createDocumentClient();
const sqs = createSqsClient();

export const handler = sqsHandler(
  FacebookLeadReceivedV1,
  fetchFacebookLead({
    config: facebookConfigLoader(env, createSsmClient),
    graph: createGraphClient({ baseUrl: env.GRAPH_API_BASE_URL }),
    leads: createFacebookLeadRepository(doc, env.TABLE_NAME),
    inbox: createInboxEntryWriter(doc, env.TABLE_NAME),
    doc,
    tableName: env.TABLE_NAME,
    publisher: createQueuePublisher(sqs),
    duplicateCheckQueueUrl: env.QUEUE_URL_DUPLICATE_CHECK,
    now: () => new Date(),
  }),
  // Graph errors back off: 30 s, 1, 2, 4 … minutes over the queue's 8 receives (about 2 hours to
  // the DLQ); each receive but the last logs one WARN line
  {
    backoff: { baseSeconds: 30, maxSeconds: 3600, sqs: () => sqs },
    maxReceiveCount: env.QUEUE_MAX_RECEIVES_FACEBOOK_LEADS,
  },
);
