/**
 * Money travels as `{ amount, currency }` in the currency's main unit and is stored as an integer
 * of its smallest unit, so sums never drift; how many decimals a currency has is ISO 4217's.
 */

export type Money = { amount: number; currency: string };
/**
 * `cents` counts hundredths (every currency with up to two decimals, and everything stored before
 * currencies had their own decimals), or 10^-scale units when the currency has more (KWD 1.234 →
 * `{ cents: 1234, scale: 3 }`), so no stored item changes meaning.
 */
export type StoredMoney = { cents: number; currency: string; scale?: number };

/**
 * ISO 4217's minor units where they are not two (List One, the codes of current currencies and
 * funds; precious metals and special codes have none and count as two here). Not
 * `Intl.NumberFormat`'s digits: those are CLDR's, which differ from ISO for 17 currencies (HUF, COP,
 * IDR, PKR … 0 there, 2 in ISO; IQD 0 there, 3 in ISO; CLF and UYW missing), so a HUF 1.50 that ISO
 * allows would be refused.
 */
const isoMinorUnits: Readonly<Record<string, number>> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
};

/** The decimals an amount in this currency may have: JPY 0, EUR 2, KWD 3; 2 for a code ISO does not list. */
export const minorUnits = (currency: string): number => isoMinorUnits[currency] ?? 2;

/** The most decimals any currency has: no amount may carry more. */
export const maxMinorUnits = 4;

/** Whether the amount is a whole number of the currency's smallest unit (no 0.5 yen, no 1.001 euros). */
export const hasWholeMinorUnits = (money: Money): boolean => {
  const digits = minorUnits(money.currency);
  return Number(money.amount.toFixed(digits)) === money.amount;
};

/** Stored integers count hundredths unless the currency needs finer units. */
const storageScale = (currency: string): number => Math.max(2, minorUnits(currency));

/** The amount as an integer of the currency's storage unit (cents for EUR and JPY alike, mils for KWD). */
export const toStorageUnits = (money: Money): number => Math.round(money.amount * 10 ** storageScale(money.currency));

/** An integer of storage units back as an amount in the main unit, rounded to the currency's minor unit. */
export const fromStorageUnits = (units: number, currency: string): number => {
  const toMinor = 10 ** (storageScale(currency) - minorUnits(currency));
  return Math.round(units / toMinor) / 10 ** minorUnits(currency);
};

export const toStoredMoney = (money: Money): StoredMoney => {
  const scale = storageScale(money.currency);
  const cents = toStorageUnits(money);
  return scale === 2 ? { cents, currency: money.currency } : { cents, currency: money.currency, scale };
};

export const fromStoredMoney = (stored: StoredMoney): Money => ({
  amount: stored.cents / 10 ** (stored.scale ?? 2),
  currency: stored.currency,
});
