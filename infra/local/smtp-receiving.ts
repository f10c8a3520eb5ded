/**
 * SES receiving, locally: an SMTP server that accepts mail for the receiving domain, stores the raw
 * message in S3 under the rule's prefix (streaming), then invokes the receipt function
 * asynchronously with the event SES would send: retried twice, then recorded in the on-failure
 * queue, as Lambda's asynchronous invocation does.
 *
 * Verdicts: the local stack trusts its loopback senders, so every verdict is PASS unless a message
 * carries `X-Kontakt-Local-Verdicts: spam=FAIL, dkim=GRAY` (any of spam, virus, spf, dkim, dmarc),
 * which lets tests exercise quarantining. SES itself never reads such a header.
 */
import { randomBytes } from 'node:crypto';
import { PassThrough, type Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SESEvent, SESMailHeader } from 'aws-lambda';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { mailLimits } from '../../domain/emails/mail-limits.ts';
import { boundedLine } from '../../domain/emails/mail-text.ts';
import { inboundMailPrefix } from '../../functions/emails/mail-bucket.ts';
import { createMailStore } from '../../functions/emails/mail-store.ts';
import { readHeaderBlock } from '../../functions/emails/parse-mail.ts';
import type { FunctionHost } from './function-host.ts';

/** SES receiving refuses larger messages with 552 5.3.4 (RFC 3463: message too big for system). */
const maxMessageBytes = mailLimits.maxMessageBytes;
const maxHeaderBytes = 256 * 1024;
const verdictNames = ['spam', 'virus', 'spf', 'dkim', 'dmarc'] as const;
type VerdictName = (typeof verdictNames)[number];
const verdictValues = ['PASS', 'FAIL', 'GRAY', 'PROCESSING_FAILED', 'DISABLED'] as const;
type VerdictValue = (typeof verdictValues)[number];

/** SES message ids are lower-case alphanumerics; the raw object is named after them. */
const sesMessageId = (): string => randomBytes(20).toString('hex');

/** Keeps the header block (up to the first empty line, at most `maxHeaderBytes`) of the bytes it observes. */
const headerTap = () => {
  let buffered = Buffer.alloc(0);
  let done = false;
  return {
    observe(chunk: Buffer): void {
      if (done) return;
      buffered = Buffer.concat([buffered, chunk.subarray(0, maxHeaderBytes + 4)]);
      const end = buffered.indexOf('\r\n\r\n');
      const endLf = buffered.indexOf('\n\n');
      const cut = end >= 0 ? end : endLf;
      if (cut >= 0 || buffered.length > maxHeaderBytes) {
        buffered = buffered.subarray(0, cut >= 0 ? cut : maxHeaderBytes);
        done = true;
      }
    },
    headerBlock: () => buffered,
  };
};

export const localVerdicts = (overrides: string | undefined): Record<VerdictName, VerdictValue> => {
  const verdicts: Record<VerdictName, VerdictValue> = {
    spam: 'PASS',
    virus: 'PASS',
    spf: 'PASS',
    dkim: 'PASS',
    dmarc: 'PASS',
  };
  for (const part of (overrides ?? '').split(',')) {
    const [name, value] = part.split('=').map((s) => s.trim());
    const verdict = verdictNames.find((n) => n === name?.toLowerCase());
    const status = verdictValues.find((v) => v === value?.toUpperCase());
    if (verdict && status) verdicts[verdict] = status;
  }
  return verdicts;
};

/**
 * Stores the DATA stream in S3 as it arrives, unless it grows past SES's limit: then the upload
 * is abandoned and the rest is read and dropped, so the client gets its 552 once it has sent all.
 */
const receiveRaw = async (
  stream: Readable,
  store: ReturnType<typeof createMailStore>,
  bucket: string,
  key: string,
): Promise<{ tooBig: boolean; headerBlock: Buffer }> => {
  const tap = headerTap();
  const upload = new PassThrough();
  const storing = store.put(bucket, key, upload, 'message/rfc822');
  // an upload that failed stops reading; the stream is still read to its end
  storing.catch(() => upload.destroy());
  let size = 0;
  let tooBig = false;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      tap.observe(chunk);
      if (tooBig || upload.destroyed) {
        callback();
        return;
      }
      if (size > maxMessageBytes) {
        tooBig = true;
        upload.destroy(new Error(`message over ${maxMessageBytes} bytes`));
        callback();
        return;
      }
      if (upload.write(chunk)) {
        callback();
        return;
      }
      const resume = (): void => {
        upload.off('drain', resume);
        upload.off('close', resume);
        callback();
      };
      upload.on('drain', resume);
      upload.on('close', resume);
    },
    final(callback) {
      if (!upload.destroyed) upload.end();
      callback();
    },
  });
  await pipeline(stream, sink);
  if (tooBig) {
    await storing.catch(() => undefined);
    return { tooBig: true, headerBlock: Buffer.alloc(0) };
  }
  await storing;
  return { tooBig: false, headerBlock: tap.headerBlock() };
};

/** SES puts at most this much of the header in its event and says `headersTruncated` (the raw message has them all). */
const maxEventHeaderBytes = 10 * 1024;

/** The event SES sends to the receipt rule's Lambda action. The header is read leniently: a mail SES stored is never refused for it. */
const sesEvent = async (
  id: string,
  received: Date,
  session: SMTPServerSession,
  headerBlock: Buffer,
): Promise<SESEvent> => {
  const read = await readHeaderBlock(headerBlock).catch((error: unknown) => {
    console.error('[smtp] could not read the header of a stored message; its event carries none', error);
    return null;
  });
  const headers = read?.headers ?? {
    messageId: null,
    subject: null,
    from: null,
    to: [],
    cc: [],
    date: null,
    invalidAddresses: [],
    inReplyTo: null,
    references: [],
    reportType: null,
    automated: false,
  };
  const allHeaders: SESMailHeader[] = (read?.lines ?? []).map((h) => ({
    name: h.line.split(':')[0] ?? h.key,
    value: h.line.slice(h.line.indexOf(':') + 1).trim(),
  }));
  const headerList: SESMailHeader[] = [];
  let headerBytes = 0;
  for (const header of allHeaders) {
    headerBytes += header.name.length + header.value.length;
    if (headerBytes > maxEventHeaderBytes) break;
    headerList.push(header);
  }
  const verdicts = localVerdicts(allHeaders.find((h) => h.name.toLowerCase() === 'x-kontakt-local-verdicts')?.value);
  const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
  const recipients = session.envelope.rcptTo.map((r) => r.address);
  const subject = boundedLine(headers.subject, mailLimits.maxSubjectChars).value;
  return {
    Records: [
      {
        eventSource: 'aws:ses',
        eventVersion: '1.0',
        ses: {
          mail: {
            timestamp: received.toISOString(),
            source: envelopeFrom,
            messageId: id,
            destination: recipients,
            headersTruncated: read === null || read.cut || headerList.length < allHeaders.length,
            headers: headerList,
            commonHeaders: {
              returnPath: envelopeFrom,
              ...(headers.from ? { from: [headers.from.address] } : {}),
              to: headers.to.slice(0, mailLimits.maxRecipientsPerField).map((m) => m.address),
              date: headers.date ?? received.toUTCString(),
              messageId:
                boundedLine(headers.messageId, mailLimits.maxMessageIdChars).value ?? `<${id}@kontakt.localhost>`,
              ...(subject ? { subject } : {}),
            },
          },
          receipt: {
            timestamp: received.toISOString(),
            processingTimeMillis: Date.now() - received.getTime(),
            recipients,
            spamVerdict: { status: verdicts.spam },
            virusVerdict: { status: verdicts.virus },
            spfVerdict: { status: verdicts.spf },
            dkimVerdict: { status: verdicts.dkim },
            dmarcVerdict: { status: verdicts.dmarc },
            dmarcPolicy: 'none',
            action: {
              type: 'Lambda',
              functionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:kontakt-ses-receipt',
              invocationType: 'Event',
            },
          },
        },
      },
    ],
  };
};

export type SmtpReceivingOptions = {
  port: number;
  hostname: string;
  mailDomain: string;
  bucket: string;
  s3: S3Client;
  sqs: SQSClient;
  failureQueueUrl: string;
  host: FunctionHost;
};

export const startSmtpReceiving = async (options: SmtpReceivingOptions): Promise<{ stop: () => Promise<void> }> => {
  const store = createMailStore(options.s3);
  const inFlight = new Set<Promise<void>>();

  /** Lambda's asynchronous invocation: two retries, then the on-failure destination. */
  const invokeAsync = (event: SESEvent): void => {
    const run = (async () => {
      let lastError: unknown;
      for (let attempt = 0; attempt < 3; attempt += 1) {
        try {
          await options.host.invoke('ses-receipt', event);
          return;
        } catch (error) {
          lastError = error;
          await new Promise((done) => setTimeout(done, 200 * (attempt + 1)));
        }
      }
      console.error('[smtp] receipt function failed; recorded in the on-failure queue', lastError);
      await options.sqs.send(
        new SendMessageCommand({
          QueueUrl: options.failureQueueUrl,
          MessageBody: JSON.stringify({
            version: '1.0',
            timestamp: new Date().toISOString(),
            requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3, functionArn: 'ses-receipt' },
            requestPayload: event,
            responsePayload: { errorMessage: String(lastError) },
          }),
        }),
      );
    })().catch((error: unknown) => console.error('[smtp] could not record a failed receipt', error));
    inFlight.add(run);
    void run.finally(() => inFlight.delete(run));
  };

  const server = new SMTPServer({
    name: 'kontakt.localhost',
    banner: 'Kontakt local SES receiving',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: maxMessageBytes,
    logger: false,
    onRcptTo(address, _session, callback) {
      const domain = address.address.split('@')[1]?.toLowerCase();
      if (domain !== options.mailDomain.toLowerCase()) {
        const error = Object.assign(
          new Error(`550 mailbox unavailable: this server receives for @${options.mailDomain} only`),
          {
            responseCode: 550,
          },
        );
        callback(error);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const id = sesMessageId();
      const received = new Date();
      receiveRaw(stream, store, options.bucket, `${inboundMailPrefix}${id}`)
        .then(async (outcome) => {
          if (outcome.tooBig) {
            callback(
              Object.assign(new Error('5.3.4 Message size exceeds fixed maximum message size'), { responseCode: 552 }),
            );
            return;
          }
          const event = await sesEvent(id, received, session, outcome.headerBlock);
          // SES has accepted the message once it is stored; the receipt function runs after.
          callback(null, `Message accepted as ${id}`);
          invokeAsync(event);
        })
        .catch((error: unknown) => {
          console.error('[smtp] could not store a message', error);
          callback(Object.assign(new Error('451 could not store the message, try again later'), { responseCode: 451 }));
        });
    },
  });

  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port, options.hostname, () => done());
  });
  return {
    stop: async () => {
      await new Promise<void>((done) => server.close(() => done()));
      await Promise.allSettled([...inFlight]);
    },
  };
};
