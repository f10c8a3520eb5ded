/** Phone numbers in one form (E.164), so that +49 30 …, 0049 30 …, 030/… and (030) … are one number. */
import {
  type CountryCode,
  isSupportedCountry,
  type MetadataJson,
  parsePhoneNumberFromString,
} from 'libphonenumber-js/core';
import { deferInit } from '../shared/deferred-init.ts';

export type { CountryCode };

/** Numbers written without a country prefix are read as German ones unless the caller says otherwise. */
export const defaultPhoneCountry: CountryCode = 'DE';

/**
 * The numbering plan of every country (libphonenumber's `max` metadata, 194 KB of the bundle): the
 * bulk of a function's own code, and read by only some of its requests, so it is loaded at the
 * first invocation rather than at the cold start (domain/shared/deferred-init.ts).
 */
let numberingPlan: MetadataJson | undefined;

export const loadPhoneNumbering = async (): Promise<void> => {
  numberingPlan ??= (await import('libphonenumber-js/max/metadata')).default as MetadataJson;
};
deferInit(loadPhoneNumbering);

const plan = (): MetadataJson => {
  if (!numberingPlan) {
    throw new Error('the phone numbering plan is not loaded: await initDeferred() before the work (handlers do)');
  }
  return numberingPlan;
};

/**
 * E.164 (`+49301234567`), or null when the text is not a valid number. The `max` metadata is used
 * because only it checks the number plan of each range: with `min`, `01512345678` (a 0151 mobile
 * one digit short) or a bare `1234567` without area code count as valid German numbers, and such
 * wrong numbers would then be compared and looked up as if they were real.
 */
export const normalisePhone = (text: string, defaultCountry: CountryCode = defaultPhoneCountry): string | null => {
  const parsed = parsePhoneNumberFromString(text, defaultCountry, plan());
  return parsed?.isValid() ? parsed.number : null;
};

/** The phone country for an ISO alpha-2 code (as `normaliseCountry` gives), undefined when there is none. */
export const phoneCountry = (code: string | null | undefined): CountryCode | undefined =>
  code && isSupportedCountry(code as CountryCode, plan()) ? (code as CountryCode) : undefined;

/**
 * A mobile number (E.164 in, as profiles store them): one person's own line, unlike a landline that
 * a household, a couple or a switchboard shares. Numbers of plans that do not tell mobile from
 * fixed (`FIXED_LINE_OR_MOBILE`, as in the US) do not count: they lift no cap.
 */
export const isMobileNumber = (e164: string): boolean =>
  parsePhoneNumberFromString(e164, plan())?.getType() === 'MOBILE';
