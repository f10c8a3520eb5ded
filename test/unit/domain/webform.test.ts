import { describe, expect, it } from 'vitest';
import { demoWebform, isReachable, mapSubmission } from '../../../domain/webforms/webform.ts';

describe('mapSubmission', () => {
  it('maps posted fields to contact fields and the message, ignoring blanks and unknown fields', () => {
    const mapped = mapSubmission(demoWebform, {
      firstName: ' Max ',
      lastName: 'Muster',
      company: 'ACME GmbH',
      phone: '   ',
      message: 'Bitte um Rückruf',
      newsletter: 'yes',
    });

    expect(mapped).toEqual({
      contact: { firstName: 'Max', lastName: 'Muster', companyName: 'ACME GmbH' },
      message: 'Bitte um Rückruf',
    });
  });
});

describe('isReachable', () => {
  it('needs an email, a phone, a last name or a company', () => {
    expect(isReachable({ firstName: 'Max' })).toBe(false);
    expect(isReachable({ phone: '030 123' })).toBe(true);
    expect(isReachable({ companyName: 'ACME' })).toBe(true);
  });
});
