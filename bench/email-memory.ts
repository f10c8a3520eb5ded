/**
 * The email worker's memory on a large mail: a 28 MB message (text, HTML and three attachments of
 * about 9 MB each, base64 as mail carries them) stored in the emulator's S3 as SES stores it, then
 * processed by the worker bundled as deployed, in a process of its own, against DynamoDB Local.
 * Target: peak RSS ≤ 200 MB (issue 16), whatever the mail's size up to SES's 40 MB: the raw message
 * and the attachments stream, only the bounded text is held.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { build } from 'esbuild';
import { inboundMailPrefix } from '../functions/emails/mail-bucket.ts';
import { functionBundleOptions, functionEntryFile } from '../infra/bundling.ts';
import { ensureBucket, ensureTable, localNames } from '../infra/local/provision.ts';
import { localAwsEnv, startDynamoDbLocal } from '../infra/local/services.ts';
import { freePort } from '../test/support/ports.ts';
import { startEmulatorChild } from './csv-import.ts';
import type { EmailChildResult, EmailChildSettings } from './email-worker-child.ts';

export type EmailMemoryFigures = EmailChildResult & { mailBytes: number; targetPeakRssMb: number };

const attachmentBytes = 6_900_000;

/** Streams the mail to disk, 57-byte lines of base64 (76 characters) as mailers write them. */
const writeMail = async (file: string): Promise<number> => {
  const out = createWriteStream(file);
  const write = async (text: string): Promise<void> => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(
    [
      'From: Demo Sales <sales@kontakt.localhost>',
      'To: Max Kunde <max@kunde.example>',
      'Subject: Pläne und Angebot OPP-1',
      'Message-ID: <bench-large@kontakt.localhost>',
      'Date: Wed, 02 Dec 2026 09:00:00 +0100',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="outer"',
      '',
      '--outer',
      'Content-Type: multipart/alternative; boundary="alt"',
      '',
      '--alt',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      'Guten Tag Herr Kunde,\r\nanbei die Pläne.\r\n',
      '--alt',
      'Content-Type: text/html; charset=utf-8',
      '',
      `<html><body><p>Guten Tag Herr Kunde,</p>${'<p>anbei die Pläne.</p>'.repeat(2_000)}</body></html>`,
      '--alt--',
      '',
    ].join('\r\n'),
  );
  const chunk = Buffer.alloc(57 * 1_000);
  for (let a = 0; a < 3; a += 1) {
    await write(
      `--outer\r\nContent-Type: application/pdf; name="plan-${a}.pdf"\r\nContent-Disposition: attachment; filename="plan-${a}.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n`,
    );
    for (let written = 0; written < attachmentBytes; written += chunk.length) {
      chunk.fill(a + written / chunk.length);
      const base64 = chunk.toString('base64');
      const lines: string[] = [];
      for (let i = 0; i < base64.length; i += 76) lines.push(base64.slice(i, i + 76));
      await write(`${lines.join('\r\n')}\r\n`);
    }
  }
  await write('--outer--\r\n');
  out.end();
  await once(out, 'finish');
  return (await stat(file)).size;
};

export const measureEmailMemory = async (): Promise<EmailMemoryFigures> => {
  const dataDir = await mkdtemp(join(tmpdir(), 'kontakt-bench-mail-'));
  const stops: (() => Promise<void>)[] = [];
  try {
    const dynamo = await startDynamoDbLocal({ port: await freePort(), dataDir: join(dataDir, 'dynamodb') });
    stops.push(dynamo.stop);
    const emulator = await startEmulatorChild(dataDir);
    stops.push(emulator.stop);
    const credentials = {
      accessKeyId: localAwsEnv.AWS_ACCESS_KEY_ID,
      secretAccessKey: localAwsEnv.AWS_SECRET_ACCESS_KEY,
    };
    const region = localAwsEnv.AWS_REGION;
    const dynamoClient = new DynamoDBClient({ endpoint: dynamo.endpoint, region, credentials });
    const s3 = new S3Client({ endpoint: emulator.endpoint, region, credentials, forcePathStyle: true });
    await ensureTable(dynamoClient, localNames.table);
    await ensureBucket(s3, localNames.mailBucket);

    const file = join(dataDir, 'large.eml');
    const mailBytes = await writeMail(file);
    const sesMessageId = `bench-large-${Date.now()}`;
    const key = `${inboundMailPrefix}${sesMessageId}`;
    await new Upload({
      client: s3,
      params: { Bucket: localNames.mailBucket, Key: key, Body: createReadStream(file) },
    }).done();
    for (const client of [dynamoClient, s3]) client.destroy();

    const bundle = join(dataDir, 'email-worker-child', functionEntryFile);
    await build({
      ...functionBundleOptions(
        fileURLToPath(new URL('./email-worker-child.ts', import.meta.url)),
        join(dataDir, 'email-worker-child'),
      ),
      logLevel: 'error',
    });
    const settings: EmailChildSettings = {
      dynamo: dynamo.endpoint,
      emulator: emulator.endpoint,
      table: localNames.table,
      bucket: localNames.mailBucket,
      key,
      sesMessageId,
      region,
      credentials,
    };
    const child = spawn(process.execPath, [bundle, JSON.stringify(settings)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    if (code !== 0) throw new Error(`the email worker child exited with ${code}`);
    const result = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as EmailChildResult;
    if (!result.stored) throw new Error('the large mail was not stored');
    return { ...result, mailBytes, targetPeakRssMb: 200 };
  } finally {
    for (const stop of stops.reverse()) {
      await stop().catch((error: unknown) => console.error('could not stop a local service:', error));
    }
    await rm(dataDir, { recursive: true, force: true });
  }
};
