/**
 * How long received mail is kept, by what it became (its status):
 *
 * - **linked** to a business record (a customer, an opportunity, a ticket): a business letter
 *   received (§ 257 (1) no. 2 HGB, "empfangene Handelsbriefe"), kept 6 years; the period starts at
 *   the end of the calendar year the letter arrived in (§ 257 (5) HGB), so a mail of 2026 may go
 *   from 1 January 2033.
 * - **unlinked**: no business record names it, so no duty to keep it; it stays long enough for a
 *   user to link it by hand (default 180 days), then goes (GDPR Art. 5 (1) e, storage limitation).
 * - **quarantined**: a forgery or malware suspect kept for an admin to judge (default 30 days).
 *
 * Each is a stage setting (`mailRetention` in cdk.json). A business that must keep longer (tax
 * documents 8 or 10 years under § 147 AO) sets `linkedYears`.
 */
import type { EmailStatus } from './smart-bcc.ts';

export type MailRetention = { linkedYears: number; unlinkedDays: number; quarantinedDays: number };

export const defaultMailRetention: MailRetention = { linkedYears: 6, unlinkedDays: 180, quarantinedDays: 30 };

const dayMs = 86_400_000;

/** The calendar year of an instant in Germany (Europe/Berlin). */
const berlinYear = (at: Date): number =>
  Number(new Intl.DateTimeFormat('en', { timeZone: 'Europe/Berlin', year: 'numeric' }).format(at));

/**
 * The instant before which a mail of this status received may go, at `now`: a mail received before
 * it has been kept as long as its status asks.
 */
export const retentionCutoff = (status: EmailStatus, now: Date, retention: MailRetention): Date => {
  switch (status) {
    case 'linked': {
      // kept through the end of the year `linkedYears` after the year it arrived in, the year as
      // counted in Germany: 1 January begins at 23:00 UTC the day before (CET, never summer time)
      const year = berlinYear(now);
      return new Date(Date.UTC(year - retention.linkedYears, 0, 1) - 3_600_000);
    }
    case 'unlinked':
      return new Date(now.getTime() - retention.unlinkedDays * dayMs);
    case 'quarantined':
      return new Date(now.getTime() - retention.quarantinedDays * dayMs);
  }
};

/**
 * The longest any mail object is kept: the mail bucket's lifecycle deletes raw mail and its parts
 * after this many days whatever happened to their email, so nothing outlives the longest period
 * if the sweeper stops. A linked mail of 1 January may be kept `linkedYears` + 1 years; a month
 * more gives the sweeper its time.
 */
export const outermostRetentionDays = (retention: MailRetention): number =>
  Math.max(
    Math.ceil((retention.linkedYears + 1) * 366) + 31,
    retention.unlinkedDays + 31,
    retention.quarantinedDays + 31,
  );

/** A setting as the stage gives it, checked: whole, positive, and no shorter than the law's 6 years for linked mail. */
export const checkedMailRetention = (given: Partial<MailRetention>): MailRetention => {
  const retention = { ...defaultMailRetention, ...given };
  for (const [key, value] of Object.entries(retention)) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`mailRetention.${key} must be a whole number ≥ 1`);
  }
  if (retention.linkedYears < 6) {
    throw new Error('mailRetention.linkedYears must be at least 6: § 257 HGB keeps business letters 6 years');
  }
  return retention;
};
