import { describe, expect, it } from 'vitest';
import { mailDate } from '../../../domain/emails/mail-date.ts';

describe('the date a mail gives itself', () => {
  it.each([
    ['Tue, 24 Nov 2026 10:00:00 +0100', '2026-11-24T09:00:00.000Z'],
    ['Tue, 24 Nov 2026 10:00:00 +0100 (CET)', '2026-11-24T09:00:00.000Z'],
    ['Tue,\r\n 24 Nov 2026 10:00:00 +0100', '2026-11-24T09:00:00.000Z'],
    ['24 Nov 2026 10:00 GMT', '2026-11-24T10:00:00.000Z'],
    ['Tue, 24 Nov 26 10:00:00 -0500', '2026-11-24T15:00:00.000Z'],
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
    [''],
  ])('is null for %j, never the time of reading', (header) => {
    expect(mailDate(header)).toBeNull();
  });

  it('is null without a Date header', () => {
    expect(mailDate(null)).toBeNull();
  });
});
