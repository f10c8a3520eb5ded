/**
 * The whole product on one machine: DynamoDB Local, the SQS/S3 emulator, the HTTP API, SES
 * receiving over SMTP, outgoing SES mail (aws-ses-v2-local), the queue pollers and the schedules,
 * all serving the manifest's handlers.
 */

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { initDeferred } from '../../domain/shared/deferred-init.ts';
import type { User } from '../../domain/users/user.ts';
import { demoWebform } from '../../domain/webforms/webform.ts';
import { bodyRequestTimeouts, requestTimeouts } from '../../functions/shared/client-timeouts.ts';
import { createUserRepository } from '../../functions/users/user.repository.ts';
import { createWebformRepository } from '../../functions/webforms/webform.repository.ts';
import {
  consumerOf,
  type FunctionName,
  functionEntries,
  type QueueName,
  queueMaxReceivesVariable,
  queueNames,
  queueUrlVariable,
  sesReceiptFailureQueue,
  streamFailureQueue,
} from '../manifest.ts';
import { contactsUpToDate, migrateContacts } from '../scripts/contacts-migration.ts';
import { listShardsUpToDate, migrateListShards } from '../scripts/list-shards-migration.ts';
import { backfillMatching, matchingUpToDate } from '../scripts/match-backfill.ts';
import { loadDevKeys } from './dev-auth.ts';
import { createFunctionHost } from './function-host.ts';
import { startHttpApi } from './http-api.ts';
import { ensureBucket, ensureQueues, ensureTable, localNames } from './provision.ts';
import { startQueuePollers } from './queue-pollers.ts';
import { localAwsEnv, startDynamoDbLocal, startEmulator, startSesLocal } from './services.ts';
import { startSmtpReceiving } from './smtp-receiving.ts';
import { startStreamPoller } from './stream-poller.ts';

export type LocalStackConfig = {
  root: string;
  /** tokens and the signing key (.kontakt) */
  home: string;
  /** DynamoDB Local and emulator data (.kontakt/data) */
  dataDir: string;
  hostname: string;
  httpPort: number;
  smtpPort: number;
  dynamoDbPort: number;
  emulatorPort: number;
  /** aws-ses-v2-local: outgoing mail (reminders) and its web view */
  sesPort: number;
  mailDomain: string;
  retryAfterSeconds: number | null;
  pendingCheckGraceSeconds: number;
  /** overrides every schedule's period; unset, each runs every `scheduleMinutes` */
  scheduleSeconds: number | null;
  pollerConcurrency: number;
  /** route throttling as the stage settings say; `KONTAKT_THROTTLE=off` lifts it for benchmarks */
  throttle: boolean;
  /**
   * the web form's limits per client and per form (functions/webforms/submission-limits.ts);
   * `KONTAKT_CLIENT_LIMITS=off` lifts them where every client is 127.0.0.1 (end-to-end tests, benches)
   */
  clientLimits: boolean;
  /** `KONTAKT_WORKER_FAILURE_RATE=duplicate-check:0.3`: chaos for no-loss tests */
  failureRates: Partial<Record<QueueName, number>>;
};

const failureRatesFromEnv = (value: string | undefined): Partial<Record<QueueName, number>> => {
  const rates: Partial<Record<QueueName, number>> = {};
  for (const part of (value ?? '').split(',').filter(Boolean)) {
    const [name, rate] = part.split(':');
    const queue = queueNames.find((q) => q === name?.trim());
    const share = Number(rate);
    if (!queue || !(share >= 0 && share <= 1)) throw new Error(`KONTAKT_WORKER_FAILURE_RATE: cannot read "${part}"`);
    rates[queue] = share;
  }
  return rates;
};

const intFromEnv = (name: string, fallback: number): number => {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`${name} must be a whole number, not ${value}`);
  return parsed;
};

const optionalIntFromEnv = (name: string): number | null =>
  process.env[name] === undefined || process.env[name] === '' ? null : intFromEnv(name, 0);

export const configFromEnv = (root: string): LocalStackConfig => {
  const home = resolve(process.env.KONTAKT_HOME ?? join(root, '.kontakt'));
  return {
    root,
    home,
    dataDir: resolve(process.env.KONTAKT_DATA_DIR ?? join(home, 'data')),
    hostname: '127.0.0.1',
    httpPort: intFromEnv('KONTAKT_HTTP_PORT', 3000),
    smtpPort: intFromEnv('KONTAKT_SMTP_PORT', 2525),
    dynamoDbPort: intFromEnv('KONTAKT_DYNAMODB_PORT', 8000),
    emulatorPort: intFromEnv('KONTAKT_EMULATOR_PORT', 4566),
    sesPort: intFromEnv('KONTAKT_SES_PORT', 8005),
    mailDomain: process.env.KONTAKT_MAIL_DOMAIN ?? 'kontakt.localhost',
    retryAfterSeconds: optionalIntFromEnv('KONTAKT_RETRY_SECONDS'),
    pendingCheckGraceSeconds: intFromEnv('KONTAKT_PENDING_CHECK_GRACE_SECONDS', 300),
    scheduleSeconds: optionalIntFromEnv('KONTAKT_SCHEDULE_SECONDS'),
    pollerConcurrency: intFromEnv('KONTAKT_POLLER_CONCURRENCY', 2),
    throttle: process.env.KONTAKT_THROTTLE !== 'off',
    clientLimits: process.env.KONTAKT_CLIENT_LIMITS !== 'off',
    failureRates: failureRatesFromEnv(process.env.KONTAKT_WORKER_FAILURE_RATE),
  };
};

export const demoUsers: (User & { tokenFile: string })[] = [
  {
    id: 'demo-admin',
    email: 'admin@kontakt.localhost',
    name: 'Demo Admin',
    roles: ['admin', 'sales'],
    tokenFile: 'dev-token',
  },
  {
    id: 'demo-sales',
    email: 'sales@kontakt.localhost',
    name: 'Demo Sales',
    roles: ['sales'],
    tokenFile: 'dev-token-sales',
  },
  {
    id: 'demo-service',
    email: 'agent@kontakt.localhost',
    name: 'Demo Service',
    roles: ['service'],
    tokenFile: 'dev-token-service',
  },
];

/**
 * Locally the Facebook app secret, verify token and page tokens live in a git-ignored file
 * (`FACEBOOK_CONFIG_FILE`, default .kontakt/facebook.json), created with random secrets and one
 * demo page on first start; in AWS they are an SSM SecureString.
 */
const ensureFacebookConfig = async (home: string): Promise<string> => {
  const file = resolve(process.env.FACEBOOK_CONFIG_FILE ?? join(home, 'facebook.json'));
  if (!existsSync(file)) {
    const config = {
      appSecret: randomBytes(16).toString('hex'),
      verifyToken: randomBytes(12).toString('hex'),
      pages: { '100000000000001': `local-page-token-${randomBytes(8).toString('hex')}` },
    };
    await writeFile(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  }
  return file;
};

/**
 * Locally the key that signs per-record mail addresses is a git-ignored file (`RECORD_ADDRESS_KEY_FILE`,
 * default .kontakt/record-address-key), random on first start and kept, so addresses stay valid
 * across restarts; in AWS it is an SSM SecureString.
 */
const ensureRecordAddressKey = async (home: string): Promise<string> => {
  const file = resolve(process.env.RECORD_ADDRESS_KEY_FILE ?? join(home, 'record-address-key'));
  if (!existsSync(file)) await writeFile(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
  return file;
};

export type LocalStack = {
  endpoints: Record<string, string>;
  /**
   * Settles only when the stack can no longer serve (DynamoDB Local died and could not be brought
   * back): the caller must stop it and exit with an error rather than answer without its database.
   */
  failed: Promise<Error>;
  stop: () => Promise<void>;
};

export const startLocalStack = async (config: LocalStackConfig): Promise<LocalStack> => {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => console.error('[stop]', error));
  };
  let fail: (error: Error) => void = () => undefined;
  const failed = new Promise<Error>((settle) => {
    fail = settle;
  });
  try {
    await mkdir(config.home, { recursive: true });
    // DynamoDB Local is the one service in a child process of its own, so the one that can die alone.
    // While it is down, the functions answer 503 with Retry-After (the SDK cannot connect); once it
    // is back on the same port with the same data folder, they serve again without a restart.
    const dynamo = await startDynamoDbLocal({
      port: config.dynamoDbPort,
      dataDir: join(config.dataDir, 'dynamodb'),
      supervision: {
        onRestarting: (reason) => console.error(`[dynamodb] ${reason}; starting it again on the same port and data`),
        onRestarted: () => console.error('[dynamodb] DynamoDB Local is serving again'),
        onGaveUp: fail,
      },
    });
    stops.push(dynamo.stop);
    const emulator = await startEmulator({ port: config.emulatorPort, dataDir: config.dataDir });
    stops.push(emulator.stop);
    const ses = await startSesLocal({ port: config.sesPort, hostname: config.hostname });
    stops.push(ses.stop);

    // The handlers read their configuration at import, exactly as at a Lambda cold start.
    Object.assign(process.env, localAwsEnv, {
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SQS: emulator.endpoint,
      AWS_ENDPOINT_URL_S3: emulator.endpoint,
      // functions with access.sendEmail: SES v2 and the sender, as the CDK stack sets them
      AWS_ENDPOINT_URL_SESV2: ses.endpoint,
      REMINDER_SENDER: `kontakt@${config.mailDomain}`,
      TABLE_NAME: localNames.table,
      MAIL_BUCKET: localNames.mailBucket,
      MAIL_DOMAIN: config.mailDomain,
      POWERTOOLS_SERVICE_NAME: 'kontakt',
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
      // browser clients of the user routes, as a stage's allowedOrigins (none unless given)
      ALLOWED_ORIGINS: process.env.KONTAKT_ALLOWED_ORIGINS ?? '',
    });
    for (const [, spec] of functionEntries()) Object.assign(process.env, spec.environment);
    if (!config.clientLimits) process.env.SUBMISSION_LIMITS = 'off';
    process.env.FACEBOOK_CONFIG_FILE = await ensureFacebookConfig(config.home);
    process.env.RECORD_ADDRESS_KEY_FILE = await ensureRecordAddressKey(config.home);
    process.env.PENDING_CHECK_GRACE_SECONDS = String(config.pendingCheckGraceSeconds);
    if (config.retryAfterSeconds !== null) {
      // retries come back after retryAfterSeconds here, so a message's retry window is that much shorter
      const [, consumer] = consumerOf('duplicate-check');
      process.env.PENDING_CHECK_RESWEEP_SECONDS = String(consumer.maxReceiveCount * (config.retryAfterSeconds + 1) + 2);
    }
    // The stack's own clients (pollers, provisioning) give up like the functions' do: a DynamoDB Local
    // that hangs, or a foreign listener on its port, must not hang a poller, nor the stack's stop.
    const dynamoClient = new DynamoDBClient({ endpoint: dynamo.endpoint, requestHandler: requestTimeouts });
    const sqs = new SQSClient({
      endpoint: emulator.endpoint,
      useQueueUrlAsEndpoint: false,
      // the pollers' long polls wait up to 2 s for a message before fauxqs answers
      requestHandler: { ...requestTimeouts, requestTimeout: 10_000 },
    });
    const s3 = new S3Client({ endpoint: emulator.endpoint, forcePathStyle: true, requestHandler: bodyRequestTimeouts });
    await ensureTable(dynamoClient, localNames.table);
    const queueUrls = await ensureQueues(sqs);
    await ensureBucket(s3, localNames.mailBucket);
    for (const queue of queueNames) process.env[queueUrlVariable(queue)] = queueUrls[queue];
    for (const [, spec] of functionEntries()) {
      if (spec.consumes)
        process.env[queueMaxReceivesVariable(spec.consumes.queue)] = String(spec.consumes.maxReceiveCount);
    }

    // Seeds: the demo users (with fresh tokens) and the demo web form, created when missing.
    const doc = DynamoDBDocumentClient.from(dynamoClient, { marshallOptions: { removeUndefinedValues: true } });
    const users = createUserRepository(doc, localNames.table);
    const keys = await loadDevKeys(config.home);
    for (const { tokenFile, ...user } of demoUsers) {
      if (!(await users.findUser(user.id))) await users.save(user);
      const token = await keys.sign({ sub: user.id, email: user.email, 'cognito:username': user.id });
      await writeFile(join(config.home, tokenFile), `${token}\n`, { mode: 0o600 });
    }
    const forms = createWebformRepository(doc, localNames.table);
    if (!(await forms.get('demo'))) await forms.create(demoWebform(new Date()));
    // what modules defer from a cold start (the phone numbering plan), for the maintenance runs here
    await initDeferred();
    // data kept from an older version moves to the sharded lists, then gets the current lookup keys and value counts, once
    if (!(await listShardsUpToDate(doc, localNames.table))) {
      const moved = await migrateListShards(doc, localNames.table);
      if (moved.entries + moved.searchItems + moved.searchItemsDropped + moved.emails > 0)
        console.log('[storage] stored data moved to the sharded lists:', JSON.stringify(moved));
    }
    if (!(await contactsUpToDate(doc, localNames.table))) {
      const contacts = await migrateContacts(doc, localNames.table);
      if (contacts.stagesSet + contacts.mainContactsSet + contacts.timelineEntries > 0)
        console.log('[storage] contacts given stages, main contacts and timelines:', JSON.stringify(contacts));
    }
    if (!(await matchingUpToDate(doc, localNames.table))) {
      const backfill = await backfillMatching(doc, localNames.table);
      if (backfill.persons + backfill.companies + backfill.openInboxEntries > 0)
        console.log('[duplicate protection] stored data brought up to date:', JSON.stringify(backfill));
    }

    const host = createFunctionHost(config.root);
    for (const [name] of functionEntries()) await host.load(name);

    const http = await startHttpApi({
      host,
      keys,
      port: config.httpPort,
      hostname: config.hostname,
      throttle: config.throttle,
    });
    stops.push(() => new Promise<void>((done) => http.server.close(() => done())));
    http.server.closeIdleConnections();

    const smtp = await startSmtpReceiving({
      port: config.smtpPort,
      hostname: config.hostname,
      mailDomain: config.mailDomain,
      bucket: localNames.mailBucket,
      s3,
      sqs,
      failureQueueUrl: queueUrls[sesReceiptFailureQueue] ?? '',
      host,
    });
    stops.push(smtp.stop);

    const pollers = startQueuePollers({
      sqs,
      host,
      queueUrls,
      concurrency: config.pollerConcurrency,
      retryAfterSeconds: config.retryAfterSeconds,
      failureRates: config.failureRates,
      onError: (queue, error) => console.error(`[queue ${queue}]`, error),
    });
    stops.push(pollers.stop);

    const streamPoller = startStreamPoller({
      dynamo: dynamoClient,
      tableName: localNames.table,
      host,
      sqs,
      failureQueueUrl: queueUrls[streamFailureQueue] ?? '',
      onError: (error) => console.error('[table stream]', error),
    });
    stops.push(streamPoller.stop);

    const timers = functionEntries()
      .filter(([, spec]) => spec.scheduleMinutes !== undefined)
      .map(([name, spec]: [FunctionName, { scheduleMinutes?: number }]) =>
        setInterval(
          () => {
            host.invoke(name, { source: 'aws.events', 'detail-type': 'Scheduled Event' }).catch((error: unknown) => {
              console.error(`[schedule ${name}]`, error);
            });
          },
          (config.scheduleSeconds ?? (spec.scheduleMinutes ?? 1) * 60) * 1000,
        ),
      );
    stops.push(async () => {
      for (const timer of timers) clearInterval(timer);
    });

    return {
      endpoints: {
        'HTTP API': http.url,
        'SMTP (Smart BCC)': `smtp://${config.hostname}:${config.smtpPort} → bcc@${config.mailDomain}`,
        'DynamoDB Local': dynamo.endpoint,
        'SQS/S3 emulator': emulator.endpoint,
        'SES (sent mail)': `${ses.endpoint} (web view)`,
        'Dev token (admin)': join(config.home, 'dev-token'),
        'Dev token (sales)': join(config.home, 'dev-token-sales'),
        'Dev token (service)': join(config.home, 'dev-token-service'),
        'Facebook config': process.env.FACEBOOK_CONFIG_FILE ?? '',
        Data: config.dataDir,
      },
      failed,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
};
