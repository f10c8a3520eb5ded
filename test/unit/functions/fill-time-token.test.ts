import { describe, expect, it } from 'vitest';
import { issueFillToken, readFillToken } from '../../../functions/webforms/fill-time-token.ts';

const secret = 's'.repeat(43);
const issued = new Date('2026-03-01T10:00:00.000Z');
const later = new Date('2026-03-01T10:00:30.000Z');

describe('fill-time tokens', () => {
  it('reads back the time a token was issued', () => {
    expect(readFillToken(secret, 'demo', issueFillToken(secret, 'demo', issued), later)).toEqual({
      kind: 'valid',
      issuedAt: issued.getTime(),
    });
  });

  it('treats a missing token as a plain HTML form', () => {
    expect(readFillToken(secret, 'demo', undefined, later)).toEqual({ kind: 'absent' });
  });

  it('rejects a token for another form, another secret, an edited time or from the future', () => {
    const token = issueFillToken(secret, 'demo', issued);
    const [, signature] = token.split('.');
    expect(readFillToken(secret, 'other', token, later).kind).toBe('invalid');
    expect(readFillToken('t'.repeat(43), 'demo', token, later).kind).toBe('invalid');
    expect(readFillToken(secret, 'demo', `${issued.getTime() - 60_000}.${signature}`, later).kind).toBe('invalid');
    expect(
      readFillToken(secret, 'demo', issueFillToken(secret, 'demo', new Date(later.getTime() + 3_600_000)), later).kind,
    ).toBe('invalid');
    expect(readFillToken(secret, 'demo', 'garbage', later).kind).toBe('invalid');
  });
});
