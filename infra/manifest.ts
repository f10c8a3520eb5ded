/**
 * The one list of Kontakt's functions, routes, queues and schedules. The CDK app and the local
 * runtime both read it, so the cloud and the local stack cannot drift apart: adding a route or a
 * worker is one entry here.
 */
import { activitiesRoutes } from '../functions/activities/activities.routes.ts';
import { agencyAdminRoutes, agencyLeadRoutes } from '../functions/agencies/agencies.routes.ts';
import { companyRecordSortKey } from '../functions/contacts/company.entity.ts';
import { contactsRoutes } from '../functions/contacts/contacts.routes.ts';
import { personRecordSortKey } from '../functions/contacts/person.entity.ts';
import { emailsRoutes } from '../functions/emails/emails.routes.ts';
import { facebookRoutes } from '../functions/facebook/facebook.routes.ts';
import { importsRoutes } from '../functions/imports/imports.routes.ts';
import { inboxRoutes } from '../functions/inbox/inbox.routes.ts';
import { openapiRoutes } from '../functions/openapi/openapi.routes.ts';
import { conversionRoutes } from '../functions/opportunities/conversion.routes.ts';
import { opportunitiesRoutes } from '../functions/opportunities/opportunities.routes.ts';
import { pipelinesRoutes } from '../functions/pipelines/pipelines.routes.ts';
import { settingsRoutes } from '../functions/settings/settings.routes.ts';
import type { AnyRouteSpec } from '../functions/shared/http.ts';
import { usersRoutes } from '../functions/users/users.routes.ts';
import { webformAdminRoutes, webformPublicRoutes } from '../functions/webforms/webforms.routes.ts';

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
};

export type QueueName = 'duplicate-check' | 'inbound-email' | 'facebook-leads' | 'csv-imports' | 'activity-plans';

export type Consumer = {
  queue: QueueName;
  batchSize: number;
  /** a failed record becomes visible again after this long; at least 6× the function timeout */
  visibilityTimeoutSeconds: number;
  /** receives before a message moves to the queue's dead-letter queue */
  maxReceiveCount: number;
};

/**
 * Lambda's DynamoDB stream event source: the table's changes of some record items, in order per item,
 * each with its old and new image. Filtered before the function runs, so it is invoked for those only.
 */
export type StreamConsumer = {
  /** the record items whose changes reach the function, by their sort key (from their entities) */
  records: readonly string[];
  batchSize: number;
  /** retries of a failing batch (bisected, from the failed record on) before its records go to `streamFailureQueue` */
  maxRetries: number;
};

/** What a function may touch; the CDK app turns this into least-privilege grants. */
export type Access = {
  table?: 'read' | 'readWrite';
  send?: QueueName[];
  /** the bucket for raw mail (`inbound/`, `attachments/`) and uploaded import files (`imports/`) */
  mailBucket?: 'read' | 'readWrite';
  /** the Facebook app secret, verify token and page tokens (an SSM SecureString in AWS, .kontakt/facebook.json locally) */
  facebookSecret?: 'read';
  /** send email (reminders) through SES from the configured sender */
  sendEmail?: true;
};

export type FunctionSpec = {
  /** entry file, relative to the repository root */
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
  /** settings of the function itself, the same in AWS and locally */
  environment?: Record<string, string>;
};

/** How the duplicate-check queue retries; the sweeper waits for a message's whole retry window. */
const duplicateCheckConsumer = {
  queue: 'duplicate-check',
  batchSize: 10,
  visibilityTimeoutSeconds: 120,
  maxReceiveCount: 5,
} as const satisfies Consumer;

/**
 * How the facebook-leads queue retries: the worker backs off from 30 s, doubling up to an hour (its
 * handler sets each failed message's visibility), so a lead whose Graph fetch keeps failing reaches
 * the DLQ about two hours after its first failure (30 s + 1 + 2 + 4 + 8 + 16 + 32 min between the
 * eight receives, then an hour until the receive that moves it).
 */
const facebookLeadsConsumer = {
  queue: 'facebook-leads',
  batchSize: 5,
  visibilityTimeoutSeconds: 180,
  maxReceiveCount: 8,
} as const satisfies Consumer;

/** Stage route settings; beyond them API Gateway (and the local server) answer 429 itself. */
export const defaultThrottle = { rateLimit: 50, burstLimit: 100 };
export const publicThrottle = { rateLimit: 20, burstLimit: 40 };
/** Meta and agencies deliver in bursts; each agency is limited again by its own counter. */
export const partnerThrottle = { rateLimit: 100, burstLimit: 200 };

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
        spec.audience === 'partner' ? partnerThrottle : spec.auth === 'public' ? publicThrottle : defaultThrottle;
      return { method: verb, path, auth: spec.auth === 'public' ? 'public' : 'user', throttle };
    }),
  );

export const functions = {
  'webform-submissions': {
    entry: 'functions/webforms/webform-submissions.handler.ts',
    description: 'Stores web-form submissions in the inbox, answers CORS preflights, serves the embed script',
    timeoutSeconds: 10,
    memoryMb: 512,
    access: { table: 'readWrite', send: ['duplicate-check'] },
    routes: routesOf(webformPublicRoutes),
  },
  'webforms-api': {
    entry: 'functions/webforms/webforms-api.handler.ts',
    description: 'Web-form configuration (admins)',
    timeoutSeconds: 10,
    memoryMb: 512,
    access: { table: 'readWrite' },
    routes: routesOf(webformAdminRoutes),
  },
  'inbox-api': {
    entry: 'functions/inbox/inbox-api.handler.ts',
    description: 'The inbox that sales works from',
    timeoutSeconds: 10,
    memoryMb: 512,
    access: { table: 'readWrite', send: ['duplicate-check'] },
    routes: routesOf(inboxRoutes),
  },
  'settings-api': {
    entry: 'functions/settings/settings-api.handler.ts',
    description: 'Configurable lists: sources and priorities',
    timeoutSeconds: 10,
    memoryMb: 256,
    access: { table: 'readWrite' },
    routes: routesOf(settingsRoutes),
  },
  openapi: {
    entry: 'functions/openapi/openapi.handler.ts',
    description: 'The OpenAPI description of this API',
    timeoutSeconds: 10,
    memoryMb: 256,
    access: {},
    routes: routesOf(openapiRoutes),
  },
  'users-api': {
    entry: 'functions/users/users-api.handler.ts',
    description: 'CRM users and their roles',
    timeoutSeconds: 10,
    memoryMb: 512,
    access: { table: 'readWrite' },
    routes: routesOf(usersRoutes),
  },
  'emails-api': {
    entry: 'functions/emails/emails-api.handler.ts',
    description: 'Emails received through Smart BCC',
    timeoutSeconds: 10,
    memoryMb: 512,
    access: { table: 'read' },
    routes: routesOf(emailsRoutes),
  },
  'facebook-webhook': {
    entry: 'functions/facebook/facebook-webhook.handler.ts',
    description: 'Answers Meta’s webhook verification and enqueues signed leadgen changes',
    timeoutSeconds: 10,
    memoryMb: 256,
    access: { send: ['facebook-leads'], facebookSecret: 'read' },
    routes: routesOf(facebookRoutes),
  },
  'facebook-worker': {
    entry: 'functions/facebook/facebook-worker.handler.ts',
    description: 'Fetches each Facebook lead from the Graph API and stores it in the inbox, once per leadgen id',
    timeoutSeconds: 30,
    memoryMb: 512,
    access: { table: 'readWrite', send: ['duplicate-check'], facebookSecret: 'read' },
    // Meta retries for 36 hours; Graph errors back off over the receives before the DLQ
    consumes: facebookLeadsConsumer,
  },
  'contacts-api': {
    entry: 'functions/contacts/contacts-api.handler.ts',
    description: 'Persons and companies behind duplicate protection, their merges, and the duplicate check',
    // a merge moves links in chunks of transactions; 150 links take about a second, thousands need the headroom
    timeoutSeconds: 29,
    memoryMb: 512,
    access: { table: 'readWrite' },
    routes: routesOf(contactsRoutes),
  },
  'opportunities-api': {
    entry: 'functions/opportunities/opportunities-api.handler.ts',
    description: 'Opportunities: conversion of inbox entries, numbers, pipeline steps, won and lost, the board',
    timeoutSeconds: 10,
    memoryMb: 512,
    access: { table: 'readWrite', send: ['activity-plans'] },
    routes: routesOf(opportunitiesRoutes, conversionRoutes),
  },
  'pipelines-api': {
    entry: 'functions/pipelines/pipelines-api.handler.ts',
    description: 'Lead and deal pipelines with their steps and activity plans (admins write)',
    timeoutSeconds: 10,
    memoryMb: 512,
    access: { table: 'readWrite' },
    routes: routesOf(pipelinesRoutes),
  },
  'activities-api': {
    entry: 'functions/activities/activities-api.handler.ts',
    description: 'Activities: create, list by opportunity or by user and due date, reschedule, reassign, done',
    timeoutSeconds: 10,
    memoryMb: 512,
    access: { table: 'readWrite' },
    routes: routesOf(activitiesRoutes),
  },
  'activity-plan-worker': {
    entry: 'functions/activities/activity-plan-worker.handler.ts',
    description: 'Creates the activities of a pipeline’s plan on working days, once per opportunity, plan and start',
    timeoutSeconds: 30,
    memoryMb: 512,
    access: { table: 'readWrite' },
    consumes: { queue: 'activity-plans', batchSize: 5, visibilityTimeoutSeconds: 180, maxReceiveCount: 5 },
  },
  'activity-reminders': {
    entry: 'functions/activities/activity-reminders.handler.ts',
    description: 'Every minute: flags open activities that fell due and emails their responsible users',
    timeoutSeconds: 60,
    memoryMb: 512,
    access: { table: 'readWrite', sendEmail: true },
    scheduleMinutes: 1,
  },
  'merge-resumer': {
    entry: 'functions/contacts/merge-resumer.handler.ts',
    description: 'Every five minutes: finishes merges of persons and companies whose request stopped halfway',
    timeoutSeconds: 300,
    memoryMb: 512,
    access: { table: 'readWrite' },
    scheduleMinutes: 5,
  },
  'agencies-api': {
    entry: 'functions/agencies/agencies-api.handler.ts',
    description: 'Lead agencies and their API keys (admins)',
    timeoutSeconds: 10,
    memoryMb: 512,
    access: { table: 'readWrite' },
    routes: routesOf(agencyAdminRoutes),
  },
  'agency-leads': {
    entry: 'functions/agencies/agency-leads.handler.ts',
    description: 'Takes batches of purchased leads from agencies with their own API keys',
    timeoutSeconds: 20,
    memoryMb: 512,
    access: { table: 'readWrite', send: ['duplicate-check'] },
    routes: routesOf(agencyLeadRoutes),
  },
  'imports-api': {
    entry: 'functions/imports/imports-api.handler.ts',
    description: 'CSV imports: create (with an upload URL), start, read the report',
    timeoutSeconds: 10,
    memoryMb: 512,
    access: { table: 'readWrite', send: ['csv-imports'], mailBucket: 'readWrite' },
    routes: routesOf(importsRoutes),
  },
  'import-worker': {
    entry: 'functions/imports/import-worker.handler.ts',
    description: 'Streams an uploaded CSV file into the inbox in checkpointed chunks',
    timeoutSeconds: 300,
    memoryMb: 1024,
    access: { table: 'readWrite', send: ['csv-imports', 'duplicate-check'], mailBucket: 'read' },
    consumes: { queue: 'csv-imports', batchSize: 1, visibilityTimeoutSeconds: 1800, maxReceiveCount: 5 },
  },
  'duplicate-check-worker': {
    entry: 'functions/duplicates/duplicate-check-worker.handler.ts',
    description: 'Checks new inbox entries against existing persons',
    timeoutSeconds: 20,
    memoryMb: 512,
    access: { table: 'readWrite' },
    consumes: duplicateCheckConsumer,
  },
  'frequency-counter': {
    entry: 'functions/duplicates/frequency-counter.handler.ts',
    description:
      'Counts the values of stored persons and companies that weigh duplicate evidence, from the table stream',
    timeoutSeconds: 60,
    memoryMb: 256,
    access: { table: 'readWrite' },
    consumesStream: { records: [personRecordSortKey, companyRecordSortKey], batchSize: 100, maxRetries: 10 },
  },
  'pending-check-sweeper': {
    entry: 'functions/duplicates/pending-check-sweeper.handler.ts',
    description: 'Re-requests duplicate checks still pending after five minutes',
    timeoutSeconds: 60,
    memoryMb: 256,
    access: { table: 'readWrite', send: ['duplicate-check'] },
    scheduleMinutes: 1,
    environment: {
      PENDING_CHECK_GRACE_SECONDS: '300',
      // a re-requested check gets the queue's whole retry window before it is requested again
      PENDING_CHECK_RESWEEP_SECONDS: String(
        duplicateCheckConsumer.maxReceiveCount * duplicateCheckConsumer.visibilityTimeoutSeconds + 60,
      ),
      // given up after the first request and two re-requests each failed through all their receives
      PENDING_CHECK_MAX_FAILURES: String(3 * duplicateCheckConsumer.maxReceiveCount),
    },
  },
  'ses-receipt': {
    entry: 'functions/emails/ses-receipt.handler.ts',
    description: 'Reads SES verdicts and envelope recipients and enqueues received mail',
    timeoutSeconds: 10,
    memoryMb: 256,
    access: { send: ['inbound-email'] },
    sesReceipt: true,
  },
  'email-worker': {
    entry: 'functions/emails/email-worker.handler.ts',
    description: 'Parses received mail (streaming, attachments kept in S3) and stores the email',
    timeoutSeconds: 60,
    memoryMb: 1024,
    access: { table: 'readWrite', mailBucket: 'readWrite' },
    // one mail per invocation: a 40 MB mail may take a good part of the timeout (README, limits of
    // a stored mail), and a timeout fails the whole batch, so a batch of several would let one
    // slow mail send its neighbours to the DLQ
    consumes: { queue: 'inbound-email', batchSize: 1, visibilityTimeoutSeconds: 360, maxReceiveCount: 5 },
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof functions;

export const queueNames: readonly QueueName[] = [
  'duplicate-check',
  'inbound-email',
  'facebook-leads',
  'csv-imports',
  'activity-plans',
];

/** The queue the SES receipt function's failed asynchronous invocations land in (its on-failure destination). */
export const sesReceiptFailureQueue = 'ses-receipt-failures';

/** The queue the table stream's records land in when their consumer keeps failing on them (its on-failure destination). */
export const streamFailureQueue = 'stream-failures';

/** The function that consumes the table's stream; exactly one. */
export const streamConsumer = (): [FunctionName, StreamConsumer] => {
  const found = functionEntries().filter(([, spec]) => spec.consumesStream !== undefined);
  const [only] = found;
  if (found.length !== 1 || !only?.[1].consumesStream)
    throw new Error('exactly one function must consume the table stream');
  return [only[0], only[1].consumesStream];
};

export const dlqName = (queue: string): string => `${queue}-dlq`;

/** Environment variable that carries a queue's URL to the functions that send to it. */
export const queueUrlEnv = (queue: QueueName): string => `QUEUE_URL_${queue.toUpperCase().replaceAll('-', '_')}`;

/** The receives a queue's message gets before its DLQ, given to its consumer (which logs its last try apart). */
export const queueMaxReceivesEnv = (queue: QueueName): string =>
  `QUEUE_MAX_RECEIVES_${queue.toUpperCase().replaceAll('-', '_')}`;

export const functionEntries = (): [FunctionName, FunctionSpec][] =>
  Object.entries(functions).map(([name, spec]): [FunctionName, FunctionSpec] => [name as FunctionName, spec]);

/** The consumer of each queue; exactly one per queue. */
export const consumerOf = (queue: QueueName): [FunctionName, Consumer] => {
  const found = functionEntries().find(([, spec]) => spec.consumes?.queue === queue);
  if (!found?.[1].consumes) throw new Error(`no function consumes ${queue}`);
  return [found[0], found[1].consumes];
};

export const routeKey = (route: Route): string => `${route.method} ${route.path}`;
