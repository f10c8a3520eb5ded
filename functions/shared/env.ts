/** Configuration, parsed once at cold start; a missing variable fails the container, not a request. */
import * as z from 'zod/mini';

export const readEnv = <S extends z.ZodMiniType>(schema: S, source: NodeJS.ProcessEnv = process.env): z.infer<S> => {
  const result = schema.safeParse(source);
  if (!result.success) {
    const missing = result.error.issues.map((i) => i.path.join('.')).join(', ');
    throw new Error(`invalid configuration: ${missing}`);
  }
  return result.data;
};

const required = z.string().check(z.minLength(1));

export const tableEnv = { TABLE_NAME: required };
export const mailBucketEnv = { MAIL_BUCKET: required };
export const duplicateCheckQueueEnv = { QUEUE_URL_DUPLICATE_CHECK: required };
export const inboundEmailQueueEnv = { QUEUE_URL_INBOUND_EMAIL: required };
export const activityPlansQueueEnv = { QUEUE_URL_ACTIVITY_PLANS: required };
/** A whole number ≥ 1 from the environment. */
const count = z.pipe(
  z.string().check(z.regex(/^[1-9][0-9]*$/, 'a whole number ≥ 1')),
  z.transform((value) => Number(value)),
);
/** The receives before the DLQ of the queue a worker consumes (set by infra from the manifest). */
export const csvImportsMaxReceivesEnv = { QUEUE_MAX_RECEIVES_CSV_IMPORTS: count };
export const facebookLeadsMaxReceivesEnv = { QUEUE_MAX_RECEIVES_FACEBOOK_LEADS: count };

/** the domain Smart BCC receives for, e.g. `crm.example.com`; locally `kontakt.localhost` */
export const mailDomainEnv = { MAIL_DOMAIN: required };
