/**
 * What a noun's module declares about its functions: entry, limits, what each may touch, its routes
 * (derived from the noun's routes files), the queue it consumes, its schedule. Each noun declares
 * them in `functions/<noun>/<noun>.module.ts`; `infra/manifest.ts` finds every module and the CDK
 * app and the local runtime read the result, so a new noun adds its module and touches nothing
 * outside its folders. A module file has no side effects: infra imports them all.
 */
import type { AnyRouteSpec } from './http.ts';

export type Auth = 'public' | 'user';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

export type Route = {
  method: HttpMethod;
  /** API Gateway path syntax: `/v1/inbox/{id}` */
  path: string;
  /** `public` routes skip the JWT authorizer; `user` routes need a valid user token */
  auth: Auth;
  /** stage route settings; requests beyond them get API Gateway's own 429 */
  throttle?: { rateLimit: number; burstLimit: number };
  /** the route's contract from its routes file: the router validates by it, the OpenAPI document describes it */
  spec: AnyRouteSpec;
};

/** A work queue's name (lower-case words joined by `-`); the queue exists because a function consumes it. */
export type QueueName = string;

export type Consumer = {
  queue: QueueName;
  batchSize: number;
  /** a failed record becomes visible again after this long; at least 6× the function timeout */
  visibilityTimeoutSeconds: number;
  /** receives before a message moves to the queue's dead-letter queue */
  maxReceiveCount: number;
  /**
   * at most this many instances poll the queue at once (Lambda's SQS maximum concurrency, 2–1000;
   * default 10): a backlog cannot take the account's concurrency from the API, and a poller held
   * back by it leaves messages in the queue instead of having them throttled into the DLQ
   */
  maxConcurrency?: number;
  /**
   * pollers the local stack runs for the queue, when fewer than its `KONTAKT_POLLER_CONCURRENCY`:
   * locally every function shares one DynamoDB Local on two cores, which AWS does not, so
   * background work that would take it from the requests people wait on polls with fewer
   */
  localPollers?: number;
  /**
   * the age of the queue's oldest message that raises an alarm (default: the consumer's whole retry
   * window, visibility timeout × receives, at least 15 minutes): a queue whose worker backs off, or
   * that takes bursts (a CSV import's checks), sets its own
   */
  oldestMessageAlarmSeconds?: number;
};

/**
 * Lambda's DynamoDB stream event source: the table's changes of some record items, in order per item,
 * each with its old and new image. Filtered before the function runs, so it is invoked for those only.
 */
export type StreamConsumer = {
  /** the record items whose changes reach the function, by their sort key (from their entities) */
  records: readonly string[];
  batchSize: number;
  /** retries of a failing batch (bisected, from the failed record on) before its records go to the stream-failures queue */
  maxRetries: number;
};

/** The kinds of object in the mail bucket, by the prefix of their keys. */
export type MailPrefix = 'inbound/' | 'attachments/' | 'html/' | 'imports/' | 'photos/' | 'vcard-uploads/';

/** What a function may touch; the CDK app turns this into least-privilege grants. */
/**
 * A table grant held to some nouns' items (least privilege for the intake functions, which face the
 * internet): each action only on the partitions of the entities it names, as IAM's
 * `dynamodb:LeadingKeys` condition (infra/table-grants.ts). No Scan, no Query, no Delete unless named.
 */
export type TableGrant = {
  /** GetItem and BatchGetItem */
  get?: readonly ItemsOf[];
  put?: readonly ItemsOf[];
  update?: readonly ItemsOf[];
  /** BatchWriteItem (IAM does not tell its puts from its deletes) */
  batchWrite?: readonly ItemsOf[];
  /** ConditionCheckItem: a transaction's condition on an item it does not write */
  conditionCheck?: readonly ItemsOf[];
};

/** What a table grant needs of an entity: its partitions' pattern (functions/shared/entity.ts). */
export type ItemsOf = { readonly name: string; readonly leadingKeys: string };

export type Access = {
  /** the whole table (and its indexes) to read or to read and write, or only some nouns' items */
  table?: 'read' | 'readWrite' | TableGrant;
  /** the work queues it sends to (each consumed by some module's function) */
  send?: QueueName[];
  /**
   * the mail bucket, by key prefix (least privilege: a function reaches only its own kinds of
   * object): raw mail `inbound/`, mail parts `attachments/` and `html/`, import files `imports/`,
   * persons' photos `photos/`, vCard uploads `vcard-uploads/`
   */
  mailBucket?: { read?: readonly MailPrefix[]; readWrite?: readonly MailPrefix[] };
  /** the Facebook app secret, verify token and page tokens (an SSM SecureString in AWS, .kontakt/facebook.json locally) */
  facebookSecret?: 'read';
  /** the key that signs per-record mail addresses (an SSM SecureString in AWS, .kontakt/record-address-key locally); gives MAIL_DOMAIN too */
  recordAddressKey?: 'read';
  /** send email (reminders) through SES from the configured sender */
  sendEmail?: true;
};

export type FunctionSpec = {
  /** entry file, relative to the repository root (a module names it relative to its own folder) */
  entry: string;
  description: string;
  timeoutSeconds: number;
  memoryMb: number;
  access: Access;
  routes?: Route[];
  consumes?: Consumer;
  consumesStream?: StreamConsumer;
  /** run on a fixed rate (EventBridge in AWS, a timer locally) */
  scheduleMinutes?: number;
  /** invoked asynchronously by the SES receipt rule after its S3 action */
  sesReceipt?: true;
  /** enforces the stage's mail retention (MAIL_RETENTION_* from the stage's `mailRetention`) */
  mailRetention?: true;
  /**
   * its routes are served through the stage's edge when the stage has one (infra/cdk/kontakt-edge.ts):
   * it then gets ORIGIN_SECRET (requests without it are refused) and PUBLIC_API_BASE
   */
  servedThroughEdge?: true;
  /** settings of the function itself, the same in AWS and locally */
  environment?: Record<string, string>;
  /**
   * V8's old-space limit in MB (`NODE_OPTIONS=--max-old-space-size` in AWS; the CSV bench runs the
   * worker with it). For a worker that streams: V8 sizes the heap from the container's memory and
   * lets garbage pile up to it; a limit near the live set collects it early and keeps memory flat.
   */
  heapMb?: number;
};

/** A noun's functions by their deployed name (`kontakt-<name>`); entries relative to the module's folder. */
export type NounModule = { functions: Record<string, FunctionSpec> };

/** Checks a module as written: an unknown property (`schedulMinutes`) fails to compile instead of being lost. */
export const defineModule = (module: NounModule): NounModule => module;

/** Stage route settings; beyond them API Gateway (and the local server) answer 429 itself. */
export const defaultThrottle = { rateLimit: 50, burstLimit: 100 };
export const publicThrottle = { rateLimit: 20, burstLimit: 40 };
/** Meta and agencies deliver in bursts; each agency is limited again by its own counter. */
export const partnerThrottle = { rateLimit: 100, burstLimit: 200 };
/**
 * Web-form submissions: a route limit for all clients together would let one bot use up every
 * form's share, so the function limits each client and each form (functions/webforms/submission-limits.ts)
 * and the route allows a campaign's peak of 1,000 leads/s.
 */
export const intakeThrottle = { rateLimit: 1_000, burstLimit: 2_000 };

const httpMethods: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * A function's routes, derived from its noun's routes files (the one place a route is declared,
 * `'POST /v1/inbox': { auth, body, … }`): the method and path of the key, public or behind the JWT
 * authorizer by the spec's `auth` (roles are checked in the function), and the stage throttling
 * its audience gets — partners' bursts, the public's forms, everyone else the default.
 */
export const routesOf = (...specs: Record<string, AnyRouteSpec>[]): Route[] =>
  specs.flatMap((routes) =>
    Object.entries(routes).map(([key, spec]): Route => {
      const [method, path] = key.split(' ');
      const verb = httpMethods.find((m) => m === method);
      if (!verb || !path?.startsWith('/')) throw new Error(`route key "${key}" is not "<METHOD> <path>"`);
      const throttle =
        spec.audience === 'partner'
          ? partnerThrottle
          : spec.audience === 'intake'
            ? intakeThrottle
            : spec.auth === 'public'
              ? publicThrottle
              : defaultThrottle;
      return { method: verb, path, auth: spec.auth === 'public' ? 'public' : 'user', throttle, spec };
    }),
  );
