// Mail retention against DynamoDB Local and the S3 emulator, through the mail-retention handler wired
// as deployed: mail linked to a business record stays 6 years from the end of the year it came in
// (§ 257 HGB), unlinked and quarantined mail goes sooner; an erased email takes its raw mail, parts,
// guards and reference items with it, and a stage's settings change the periods.
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Email } from '../../domain/emails/email.ts';
import { defaultMailRetention } from '../../domain/emails/mail-retention.ts';
import { emailIdentityGuards, emailSesGuards } from '../../functions/emails/email.entity.ts';
import { createEmailRepository } from '../../functions/emails/email.repository.ts';
import { expireMail } from '../../functions/emails/expire-mail.ts';
import { createMailStore } from '../../functions/emails/mail-store.ts';
import { documentClient, mailBucket, s3Client, tableName, useLocalAwsEnv } from '../support/aws.ts';
import { lambdaContext } from '../support/events.ts';
import { anEmail } from '../support/fixtures.ts';

const doc = documentClient();
const s3 = s3Client();
const repository = createEmailRepository(doc, tableName);
const dayMs = 86_400_000;

let handler: typeof import('../../functions/emails/mail-retention.handler.ts')['handler'];

beforeAll(async () => {
  useLocalAwsEnv();
  // the stage's setting, as the stack hands it to the function: unlinked mail 100 days
  process.env.MAIL_RETENTION_UNLINKED_DAYS = '100';
  ({ handler } = await import('../../functions/emails/mail-retention.handler.ts'));
});

/** An email received at `receivedAt` with its raw mail, one attachment and its HTML part in the bucket. */
const storedEmail = async (receivedAt: Date, fields: Partial<Email>): Promise<Email> => {
  const sesMessageId = `ses-${ulid().toLowerCase()}`;
  const email: Email = {
    ...anEmail(),
    id: ulid(receivedAt.getTime()),
    sesMessageId,
    messageId: `<${sesMessageId}@example.com>`,
    receivedAt: receivedAt.toISOString(),
    raw: { bucket: mailBucket, key: `inbound/${sesMessageId}` },
    html: { bucket: mailBucket, key: `html/${sesMessageId}` },
    attachments: [{ filename: 'a.pdf', size: 3, contentType: 'application/pdf', key: `attachments/${sesMessageId}/0` }],
    identities: [`identity-${sesMessageId}`],
    links: {},
    status: 'unlinked',
    ...fields,
  };
  for (const key of objectKeys(email)) {
    await s3.send(new PutObjectCommand({ Bucket: mailBucket, Key: key, Body: 'mail' }));
  }
  expect((await repository.storeOnce(email)).stored).toBe('new');
  return email;
};

const objectKeys = (email: Email): string[] => [
  email.raw.key,
  ...(email.html ? [email.html.key] : []),
  ...email.attachments.map((a) => a.key),
];

const objectExists = async (key: string): Promise<boolean> =>
  s3.send(new HeadObjectCommand({ Bucket: mailBucket, Key: key })).then(
    () => true,
    (error: unknown) => {
      if ((error as { name?: string }).name === 'NotFound') return false;
      throw error;
    },
  );

const itemExists = async (key: { pk: string; sk: string }): Promise<boolean> =>
  (await doc.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item !== undefined;

/** Whether the email, its guards and every object of it still exist. */
const whatRemains = async (email: Email) => ({
  email: (await repository.get(email.id)) !== null,
  sesGuard: await itemExists(emailSesGuards.key(email.sesMessageId)),
  identityGuards: await Promise.all(email.identities.map((i) => itemExists(emailIdentityGuards.key(i)))),
  objects: await Promise.all(objectKeys(email).map(objectExists)),
});
const all = (present: boolean) => ({
  email: present,
  sesGuard: present,
  identityGuards: [present],
  objects: [present, present, present],
});

describe('mail retention', () => {
  it('erases quarantined mail after 30 days and unlinked mail after the stage’s 100, with everything of it; younger mail stays', async () => {
    const now = Date.now();
    const oldQuarantined = await storedEmail(new Date(now - 31 * dayMs), {
      status: 'quarantined',
      quarantine: { reason: 'virus', detail: 'EICAR' },
      identities: [],
    });
    const youngQuarantined = await storedEmail(new Date(now - 20 * dayMs), {
      status: 'quarantined',
      quarantine: { reason: 'virus', detail: 'EICAR' },
      identities: [],
    });
    const oldUnlinked = await storedEmail(new Date(now - 101 * dayMs), {});
    const youngUnlinked = await storedEmail(new Date(now - 95 * dayMs), {});

    await handler({}, lambdaContext(60_000));

    expect(await whatRemains(oldQuarantined)).toEqual({ ...all(false), identityGuards: [] });
    expect(await whatRemains(youngQuarantined)).toEqual({ ...all(true), identityGuards: [] });
    expect(await whatRemains(oldUnlinked)).toEqual(all(false));
    expect(await whatRemains(youngUnlinked)).toEqual(all(true));
  });

  it('keeps mail linked to a customer through the end of the sixth year after the year it came in (§ 257 HGB), then erases it with its reference items', async () => {
    const year = new Date().getUTCFullYear();
    const personId = ulid();
    const linked = (receivedAt: Date) =>
      storedEmail(receivedAt, { status: 'linked', links: { [`person:${personId}`]: 'to' } });
    // the last day of the seventh year back: its six years ended with last year
    const due = await linked(new Date(Date.UTC(year - 7, 11, 31, 12)));
    // the first day of the sixth year back: kept until the end of this year
    const kept = await linked(new Date(Date.UTC(year - 6, 0, 1, 12)));
    const timelineBefore = await repository.listLinkedTo({ kind: 'PERSON', id: personId }, 10);

    await handler({}, lambdaContext(60_000));

    const timelineAfter = await repository.listLinkedTo({ kind: 'PERSON', id: personId }, 10);
    expect(timelineBefore.items.map((e) => e.id).sort()).toEqual([due.id, kept.id].sort());
    expect(await whatRemains(due)).toEqual(all(false));
    expect(await whatRemains(kept)).toEqual(all(true));
    expect(timelineAfter.items.map((e) => e.id)).toEqual([kept.id]);
  });

  it('judges each email as it is now, not as the lagging list shows it: one linked meanwhile keeps its files', async () => {
    const now = Date.now();
    const linkedMeanwhile = await storedEmail(new Date(now - 200 * dayMs), {});
    const other = await storedEmail(new Date(now - 199 * dayMs), {});
    // a user links it; the status list still shows it unlinked (an index lags behind its record)
    await repository.addLinks(linkedMeanwhile.id, [{ kind: 'ticket', id: ulid(), via: 'to' }]);
    const lagging = {
      ...repository,
      listReceivedBefore: async (status: Email['status'], before: Date, limit: number) =>
        status === 'unlinked'
          ? [linkedMeanwhile, ...(await repository.listReceivedBefore(status, before, limit))]
          : repository.listReceivedBefore(status, before, limit),
    };

    const report = await expireMail({
      emails: lagging,
      objects: createMailStore(s3),
      bucket: mailBucket,
      retention: defaultMailRetention,
      now: () => new Date(),
      remainingMs: () => 60_000,
    })();

    expect(report.kept).toBeGreaterThanOrEqual(1);
    expect(await repository.get(linkedMeanwhile.id)).toMatchObject({ status: 'linked' });
    expect(await whatRemains(linkedMeanwhile)).toEqual(all(true));
    expect(await whatRemains(other)).toEqual(all(false));
  });

  it('goes on past an email that fails, and tries it again the next run', async () => {
    const now = Date.now();
    const failing = await storedEmail(new Date(now - 400 * dayMs), {});
    const next = await storedEmail(new Date(now - 399 * dayMs), {});
    const store = createMailStore(s3);
    const deps = { emails: repository, bucket: mailBucket, retention: defaultMailRetention, now: () => new Date() };

    const first = await expireMail({
      ...deps,
      objects: {
        deleteAll: async (bucket: string, keys: readonly string[]) => {
          if (keys.includes(failing.raw.key)) throw new Error('S3 is having a bad day');
          await store.deleteAll(bucket, keys);
        },
      },
      remainingMs: () => 60_000,
    })();
    const failingAfterFirst = await whatRemains(failing);
    const second = await expireMail({ ...deps, objects: store, remainingMs: () => 60_000 })();

    expect(first.failed).toBe(1);
    expect(failingAfterFirst).toEqual(all(true));
    expect(await whatRemains(next)).toEqual(all(false));
    expect(second.failed).toBe(0);
    expect(await whatRemains(failing)).toEqual(all(false));
  });

  it('stops between emails when its time runs short, and the next run goes on', async () => {
    const now = Date.now();
    const first = await storedEmail(new Date(now - 300 * dayMs), {});
    const second = await storedEmail(new Date(now - 299 * dayMs), {});
    const deps = {
      emails: repository,
      objects: createMailStore(s3),
      bucket: mailBucket,
      retention: defaultMailRetention,
      now: () => new Date(),
    };
    const ours = [first.id, second.id];
    // time for the first email only: the check before the second finds too little left
    let checks = 0;
    const short = await expireMail({
      ...deps,
      emails: {
        ...repository,
        listReceivedBefore: async (status: Email['status'], before: Date, limit: number) =>
          (await repository.listReceivedBefore(status, before, limit)).filter((e) => ours.includes(e.id)),
      },
      remainingMs: () => {
        checks += 1;
        return checks <= 3 ? 60_000 : 1_000;
      },
    })();
    const secondAfterShort = await whatRemains(second);
    const next = await expireMail({ ...deps, remainingMs: () => 60_000 })();

    expect(short.finished).toBe(false);
    expect(await whatRemains(first)).toEqual(all(false));
    expect(secondAfterShort).toEqual(all(true));
    expect(next.finished).toBe(true);
    expect(await whatRemains(second)).toEqual(all(false));
  });
});
