// How long received mail is kept by its status: § 257 HGB's six years from the end of the year for
// linked mail, shorter periods for unlinked and quarantined mail, and the bucket's outer bound.
import { describe, expect, it } from 'vitest';
import {
  checkedMailRetention,
  defaultMailRetention,
  outermostRetentionDays,
  retentionCutoff,
} from '../../../domain/emails/mail-retention.ts';

describe('retention cutoff', () => {
  it('lets linked mail go only once the sixth year after the year it arrived in has ended', () => {
    // on 1 January 2033 (Berlin) mail of 2026 may go, mail of 2027 not: the year begins at 23:00 UTC
    const cutoff = retentionCutoff('linked', new Date('2033-01-01T12:00:00Z'), defaultMailRetention);
    expect(cutoff.toISOString()).toBe('2026-12-31T23:00:00.000Z');
    // at 23:59 on 31 December 2032 in Berlin, mail of 31 December 2026 is still kept
    const dayBefore = retentionCutoff('linked', new Date('2032-12-31T22:59:00Z'), defaultMailRetention);
    expect(new Date('2026-12-31T12:00:00Z') < dayBefore).toBe(false);
  });

  it('counts unlinked and quarantined mail in days from its arrival', () => {
    const now = new Date('2031-06-30T12:00:00Z');
    expect(retentionCutoff('unlinked', now, defaultMailRetention).toISOString()).toBe('2031-01-01T12:00:00.000Z');
    expect(retentionCutoff('quarantined', now, defaultMailRetention).toISOString()).toBe('2031-05-31T12:00:00.000Z');
  });
});

describe('the outer bound of the bucket', () => {
  it('outlasts every class: a linked mail of 1 January is kept 7 years', () => {
    expect(outermostRetentionDays(defaultMailRetention)).toBeGreaterThan(7 * 366);
    expect(outermostRetentionDays({ linkedYears: 6, unlinkedDays: 4000, quarantinedDays: 1 })).toBe(4031);
  });
});

describe('a stage’s setting', () => {
  it('fills what it leaves out with the defaults and refuses what the law or sense forbids', () => {
    expect(checkedMailRetention({ quarantinedDays: 7 })).toEqual({ ...defaultMailRetention, quarantinedDays: 7 });
    expect(() => checkedMailRetention({ linkedYears: 5 })).toThrow(/at least 6/);
    expect(() => checkedMailRetention({ unlinkedDays: 0 })).toThrow(/unlinkedDays/);
    expect(() => checkedMailRetention({ unlinkedDays: 1.5 })).toThrow(/whole number/);
  });
});

describe('the year as Germany counts it', () => {
  it('keeps a mail of New Year’s Eve 23:30 UTC (already 1 January in Berlin) with the new year', () => {
    const received = new Date('2026-12-31T23:30:00Z');
    // 1 January 2033, 00:30 in Berlin: mail of 2026 (Berlin) may go, this one (2027 in Berlin) not
    const cutoff = retentionCutoff('linked', new Date('2032-12-31T23:30:00Z'), defaultMailRetention);
    expect(cutoff.toISOString()).toBe('2026-12-31T23:00:00.000Z');
    expect(received < cutoff).toBe(false);
    expect(new Date('2026-12-31T22:59:00Z') < cutoff).toBe(true);
  });
});
