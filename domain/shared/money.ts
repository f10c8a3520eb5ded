/** Money travels as `{ amount, currency }` and is stored as integer cents, so sums never drift. */

export type Money = { amount: number; currency: string };
export type StoredMoney = { cents: number; currency: string };

export const toStoredMoney = (money: Money): StoredMoney => ({
  cents: Math.round(money.amount * 100),
  currency: money.currency,
});

export const fromStoredMoney = (stored: StoredMoney): Money => ({
  amount: stored.cents / 100,
  currency: stored.currency,
});
