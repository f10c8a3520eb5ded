import { describe, expect, it } from 'vitest';
import { defaultPhoneCountry, normalisePhone } from '../../../domain/duplicates/normalise-phone.ts';

describe('normalisePhone', () => {
  it.each([
    '+49 30 1234567',
    '0049 30 1234567',
    '030/1234567',
    '(030) 123 45 67',
    '+49 (0)30 1234567',
    '030-123 45 67',
    ' tel: 030 1234567 ',
  ])('reads %s as the one Berlin number +49301234567', (text) => {
    expect(normalisePhone(text)).toBe('+49301234567');
  });

  it('reads German mobile, service and small-town numbers', () => {
    expect(normalisePhone('0151 12345678')).toBe('+4915112345678');
    expect(normalisePhone('0800 1234567')).toBe('+498001234567');
    expect(normalisePhone('04321 12345')).toBe('+49432112345');
  });

  it('refuses what is not a real number, so it is never compared or looked up', () => {
    expect(normalisePhone('01512345678')).toBeNull(); // a 0151 mobile one digit short
    expect(normalisePhone('1234567')).toBeNull(); // no area code
    expect(normalisePhone('030 12')).toBeNull();
    expect(normalisePhone('keine Angabe')).toBeNull();
    expect(normalisePhone('')).toBeNull();
  });

  it('keeps a foreign prefix and reads national numbers in the country it is given', () => {
    expect(normalisePhone('+43 1 234567')).toBe('+431234567');
    expect(normalisePhone('01 234567', 'AT')).toBe('+431234567');
    expect(normalisePhone('044 123 45 67', 'CH')).toBe('+41441234567');
    expect(defaultPhoneCountry).toBe('DE');
  });
});
