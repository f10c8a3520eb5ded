import { describe, expect, it } from 'vitest';
import { mailDate } from '../../../domain/emails/mail-date.ts';

describe('the date a mail gives itself', () => {
  it.each([
    ['Tue, 24 Nov 2026 10:00:00 +0100', '2026-11-24T09:00:00.000Z'],
    ['Tue, 24 Nov 2026 10:00:00 +0100 (CET)', '2026-11-24T09:00:00.000Z'],
    ['Tue,\r\n 24 Nov 2026 10:00:00 +0100', '2026-11-24T09:00:00.000Z'],
    ['24 Nov 2026 10:00 GMT', '2026-11-24T10:00:00.000Z'],
    ['Tue, 24 Nov 26 10:00:00 -0500', '2026-11-24T15:00:00.000Z'],
    // obsolete forms real mailers still write (RFC 5322 §4.3)
    ['Wed, 3 Dec 97 23:59:59 PST', '1997-12-04T07:59:59.000Z'],
    ['tue, 24 nov 2026 9:05 +0000', '2026-11-24T09:05:00.000Z'],
    ['Tue,24 Nov 2026 10:00:00 +0530', '2026-11-24T04:30:00.000Z'],
    ['24 Nov 126 10:00:00 EDT', '2026-11-24T14:00:00.000Z'],
    ['Tue, 24 Nov 2026 10:00:00 (Mitteleuropäische (Normal)zeit) +0100', '2026-11-24T09:00:00.000Z'],
    ['Tue, 24 Nov 2026 10:00:00 Z', '2026-11-24T10:00:00.000Z'],
    ['Sun, 29 Feb 2032 00:00:00 +0000', '2032-02-29T00:00:00.000Z'],
  ])('reads %j as %s', (header, iso) => {
    expect(mailDate(header)).toBe(iso);
  });

  it.each([
    ['not a date'],
    ['1'],
    ['12345'],
    ['Tue, 31 Feb 2026 10:00:00 +0100'],
    ['Mon, 24 Nov 2026 10:00:00 +0100'],
    ['2026-11-24T10:00:00Z'],
    ['Tue, 24 Nov 2026 24:00:00 +0100'],
    ['Tue, 24 Nov 2026 10:00:00 +0199'],
    ['Tue, 24 Foo 2026 10:00:00 +0100'],
    ['Tue, 24 Nov 2026 10:00:00 CEST'],
    ['Tue, 24 Nov 2026 10:00:00 +0100 (unclosed'],
    ['Thu, 29 Feb 2026 00:00:00 +0000'],
    [''],
  ])('is null for %j, never the time of reading', (header) => {
    expect(mailDate(header)).toBeNull();
  });

  it('is null without a Date header', () => {
    expect(mailDate(null)).toBeNull();
  });
});
