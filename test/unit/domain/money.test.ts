import { describe, expect, it } from 'vitest';
import { fromStoredMoney, toStoredMoney } from '../../../domain/shared/money.ts';

describe('money', () => {
  it('stores integer cents and reads back the same amount', () => {
    expect(toStoredMoney({ amount: 1250.1, currency: 'EUR' })).toEqual({ cents: 125010, currency: 'EUR' });
    expect(fromStoredMoney({ cents: 125010, currency: 'EUR' })).toEqual({ amount: 1250.1, currency: 'EUR' });
    expect(toStoredMoney({ amount: 0.1 + 0.2, currency: 'EUR' }).cents).toBe(30);
  });
});
