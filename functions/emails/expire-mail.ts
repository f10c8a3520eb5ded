/**
 * The mail retention sweep (domain/emails/mail-retention.ts): every email whose retention for its
 * status is over is erased — its record with its guards and reference items, then its raw mail,
 * attachments and HTML part in the mail bucket — oldest first, quarantine first. An email a user
 * links while it is being looked at stays (the erase is conditional on what was read). A run that
 * runs out of time stops between emails; the next run goes on. Objects left behind by a run that
 * died between the record and its objects go with the bucket's outermost lifecycle rule.
 */

import type { Email } from '../../domain/emails/email.ts';
import { type MailRetention, retentionCutoff } from '../../domain/emails/mail-retention.ts';
import type { EmailStatus } from '../../domain/emails/smart-bcc.ts';
import type { EmailRepository } from './email.repository.ts';
import type { MailStore } from './mail-store.ts';

export type ExpireMailDeps = {
  emails: Pick<EmailRepository, 'listReceivedBefore' | 'erase'>;
  objects: Pick<MailStore, 'deleteAll'>;
  /** the mail bucket, where the worker stored attachments */
  bucket: string;
  retention: MailRetention;
  now: () => Date;
  /** time left in this run; the sweep stops with `stopBeforeMs` to spare */
  remainingMs: () => number;
};

const statuses: readonly EmailStatus[] = ['quarantined', 'unlinked', 'linked'];
const batch = 25;
const stopBeforeMs = 15_000;

/** The objects of a stored email, by bucket. */
const objectsOf = (email: Email, bucket: string): Map<string, string[]> => {
  const byBucket = new Map<string, string[]>();
  const add = (b: string, key: string) => byBucket.set(b, [...(byBucket.get(b) ?? []), key]);
  add(email.raw.bucket, email.raw.key);
  if (email.html) add(email.html.bucket, email.html.key);
  for (const attachment of email.attachments) add(bucket, attachment.key);
  return byBucket;
};

export type ExpiryReport = Record<EmailStatus, number> & { kept: number; finished: boolean };

export const expireMail = (deps: ExpireMailDeps) => async (): Promise<ExpiryReport> => {
  const report: ExpiryReport = { quarantined: 0, unlinked: 0, linked: 0, kept: 0, finished: true };
  const now = deps.now();
  for (const status of statuses) {
    const cutoff = retentionCutoff(status, now, deps.retention);
    const skipped = new Set<string>();
    for (;;) {
      if (deps.remainingMs() < stopBeforeMs) return { ...report, finished: false };
      const due = (await deps.emails.listReceivedBefore(status, cutoff, batch + skipped.size)).filter(
        (email) => !skipped.has(email.id),
      );
      if (due.length === 0) break;
      for (const email of due) {
        if (deps.remainingMs() < stopBeforeMs) return { ...report, finished: false };
        if (!(await deps.emails.erase(email))) {
          // changed while looked at (linked by hand): it stays, and is not looked at again this run
          skipped.add(email.id);
          report.kept += 1;
          continue;
        }
        for (const [bucket, keys] of objectsOf(email, deps.bucket)) await deps.objects.deleteAll(bucket, keys);
        report[status] += 1;
      }
    }
  }
  return report;
};
