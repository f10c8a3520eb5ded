import { describe, expect, it } from 'vitest';
import { highestCountBefore, rateWindowAt } from '../../../domain/agencies/rate-window.ts';

describe('rateWindowAt', () => {
  it('names the calendar minute and says how long until the next one', () => {
    const window = rateWindowAt(new Date('2026-05-04T08:07:30.200Z'));

    expect(window.window).toBe('2026-05-04T08:07');
    expect(window.retryAfterSeconds).toBe(30);
    expect(window.expiresAtEpoch).toBe(Date.parse('2026-05-04T08:08:00.000Z') / 1000 + 300);
  });

  it('waits a whole minute at its first instant and at least a second at its last', () => {
    expect(rateWindowAt(new Date('2026-05-04T08:07:00.000Z')).retryAfterSeconds).toBe(60);
    expect(rateWindowAt(new Date('2026-05-04T08:07:59.999Z')).retryAfterSeconds).toBe(1);
  });

  it('starts a new counter at the minute boundary, across days too', () => {
    expect(rateWindowAt(new Date('2026-05-04T08:07:59.999Z')).window).not.toBe(
      rateWindowAt(new Date('2026-05-04T08:08:00.000Z')).window,
    );
    expect(rateWindowAt(new Date('2026-12-31T23:59:59.000Z')).window).toBe('2026-12-31T23:59');
    expect(rateWindowAt(new Date('2027-01-01T00:00:00.500Z')).window).toBe('2027-01-01T00:00');
  });
});

describe('highestCountBefore', () => {
  it('lets a batch in while the window has room for all of its leads', () => {
    expect(highestCountBefore(6, 600)).toBe(594);
    expect(highestCountBefore(5, 5)).toBe(0);
  });

  it('refuses a batch larger than the whole limit outright', () => {
    expect(highestCountBefore(6, 5)).toBeNull();
  });
});
