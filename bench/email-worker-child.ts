/**
 * The email worker as the memory bench runs it: in a process of its own, bundled as deployed
 * (bench/email-memory.ts bundles this file with the functions' esbuild options), so its peak RSS
 * is what a Lambda container of the worker would hold for one mail.
 *
 * argv[2]: the settings as JSON. Prints one line of JSON with the figures.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createEmailRepository } from '../functions/emails/email.repository.ts';
import { judgeEmail } from '../functions/emails/judge-email.ts';
import { createMailDirectory } from '../functions/emails/mail-directory.ts';
import { createMailStore } from '../functions/emails/mail-store.ts';
import { processEmail } from '../functions/emails/process-email.ts';

export type EmailChildSettings = {
  dynamo: string;
  emulator: string;
  table: string;
  bucket: string;
  key: string;
  sesMessageId: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
};

export type EmailChildResult = { peakRssMb: number; rssBeforeMb: number; processMs: number; stored: boolean };

const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

const settings = JSON.parse(process.argv[2] ?? '{}') as EmailChildSettings;
const dynamo = new DynamoDBClient({
  endpoint: settings.dynamo,
  region: settings.region,
  credentials: settings.credentials,
});
const doc = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
const s3 = new S3Client({
  endpoint: settings.emulator,
  region: settings.region,
  credentials: settings.credentials,
  forcePathStyle: true,
});
const emails = createEmailRepository(doc, settings.table);
const worker = processEmail({
  emails,
  mail: createMailStore(s3),
  judge: judgeEmail({
    directory: createMailDirectory(doc, settings.table),
    recordAddressKey: async () => 'a-bench-key-of-at-least-thirty-two-characters',
    mailDomain: 'kontakt.localhost',
  }),
  ticketMail: { publish: async () => undefined },
  now: () => new Date(),
});

const rssBefore = process.memoryUsage().rss;
const started = performance.now();
await worker({
  type: 'email-received',
  version: 1,
  sesMessageId: settings.sesMessageId,
  bucket: settings.bucket,
  key: settings.key,
  recipients: ['bcc@kontakt.localhost'],
  envelopeFrom: 'sales@kontakt.localhost',
  receivedAt: new Date().toISOString(),
  verdicts: { spam: 'PASS', virus: 'PASS', spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' },
});
const processMs = performance.now() - started;
const stored = (await emails.findIdBySesMessageId(settings.sesMessageId)) !== null;
const result: EmailChildResult = {
  // maxRSS is in kilobytes, and exact (the kernel's high-water mark), not sampled
  peakRssMb: mb(process.resourceUsage().maxRSS * 1024),
  rssBeforeMb: mb(rssBefore),
  processMs: Math.round(processMs),
  stored,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
dynamo.destroy();
s3.destroy();
