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

/** `duplicate-check` → `DUPLICATE_CHECK`, in the type too, so a handler reads `env.QUEUE_URL_DUPLICATE_CHECK` typed. */
type Screaming<S extends string> = S extends `${infer A}-${infer B}` ? `${Uppercase<A>}_${Screaming<B>}` : Uppercase<S>;
const screaming = <Q extends string>(queue: Q): Screaming<Q> =>
  queue.toUpperCase().replaceAll('-', '_') as Screaming<Q>;

/** The variable that carries a queue's URL to the functions that send to it (set by infra for each `send`). */
export const queueUrlVariable = <Q extends string>(queue: Q): `QUEUE_URL_${Screaming<Q>}` =>
  `QUEUE_URL_${screaming(queue)}`;
/** The variable that gives a queue's consumer the receives before its DLQ (it logs its last try apart). */
export const queueMaxReceivesVariable = <Q extends string>(queue: Q): `QUEUE_MAX_RECEIVES_${Screaming<Q>}` =>
  `QUEUE_MAX_RECEIVES_${screaming(queue)}`;
/** A whole number ≥ 1 from the environment. */
const count = z.pipe(
  z.string().check(z.regex(/^[1-9][0-9]*$/, 'a whole number ≥ 1')),
  z.transform((value) => Number(value)),
);

/** The URL of a queue the function sends to: `readEnv(z.object({ ...queueUrlEnv('duplicate-check') }))`. */
export const queueUrlEnv = <Q extends string>(queue: Q) =>
  ({ [queueUrlVariable(queue)]: required }) as Record<`QUEUE_URL_${Screaming<Q>}`, typeof required>;
/** The receives before the DLQ of the queue a worker consumes (set by infra from its module's consumer). */
export const queueMaxReceivesEnv = <Q extends string>(queue: Q) =>
  ({ [queueMaxReceivesVariable(queue)]: count }) as Record<`QUEUE_MAX_RECEIVES_${Screaming<Q>}`, typeof count>;

/** the domain Smart BCC receives for, e.g. `crm.example.com`; locally `kontakt.localhost` */
export const mailDomainEnv = { MAIL_DOMAIN: required };
