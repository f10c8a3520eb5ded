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
/** the domain Smart BCC receives for, e.g. `crm.example.com`; locally `kontakt.localhost` */
export const mailDomainEnv = { MAIL_DOMAIN: required };
