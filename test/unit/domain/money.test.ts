import { describe, expect, it } from 'vitest';
import { fromStoredMoney, hasWholeMinorUnits, minorUnits, toStoredMoney } from '../../../domain/shared/money.ts';

describe('money', () => {
  it('stores integer cents and reads back the same amount', () => {
    expect(toStoredMoney({ amount: 1250.1, currency: 'EUR' })).toEqual({ cents: 125010, currency: 'EUR' });
    expect(fromStoredMoney({ cents: 125010, currency: 'EUR' })).toEqual({ amount: 1250.1, currency: 'EUR' });
    expect(toStoredMoney({ amount: 0.1 + 0.2, currency: 'EUR' }).cents).toBe(30);
  });

  it.each([
    ['EUR', 2],
    ['USD', 2],
    ['JPY', 0],
    ['KRW', 0],
    ['ISK', 0],
    ['KWD', 3],
    ['BHD', 3],
    ['IQD', 3],
    ['CLF', 4],
    ['HUF', 2],
    ['XYZ', 2],
  ])('gives %s the %i decimals of ISO 4217', (currency, digits) => {
    expect(minorUnits(currency)).toBe(digits);
  });

  it('takes only whole minor units of the currency', () => {
    expect(hasWholeMinorUnits({ amount: 1500, currency: 'JPY' })).toBe(true);
    expect(hasWholeMinorUnits({ amount: 1500.5, currency: 'JPY' })).toBe(false);
    expect(hasWholeMinorUnits({ amount: 12.34, currency: 'EUR' })).toBe(true);
    expect(hasWholeMinorUnits({ amount: 12.345, currency: 'EUR' })).toBe(false);
    expect(hasWholeMinorUnits({ amount: 12.345, currency: 'KWD' })).toBe(true);
    expect(hasWholeMinorUnits({ amount: 12.3456, currency: 'KWD' })).toBe(false);
    expect(hasWholeMinorUnits({ amount: 0.1 + 0.2, currency: 'EUR' })).toBe(false);
  });

  it('stores a three-decimal currency in its own units, with the scale, so nothing is rounded away', () => {
    const stored = toStoredMoney({ amount: 1.234, currency: 'KWD' });

    expect(stored).toEqual({ cents: 1234, currency: 'KWD', scale: 3 });
    expect(fromStoredMoney(stored)).toEqual({ amount: 1.234, currency: 'KWD' });
  });

  it('reads items stored before currencies had their own decimals as hundredths', () => {
    expect(toStoredMoney({ amount: 1500, currency: 'JPY' })).toEqual({ cents: 150000, currency: 'JPY' });
    expect(fromStoredMoney({ cents: 150000, currency: 'JPY' })).toEqual({ amount: 1500, currency: 'JPY' });
    expect(fromStoredMoney({ cents: 123, currency: 'KWD' })).toEqual({ amount: 1.23, currency: 'KWD' });
  });
});
