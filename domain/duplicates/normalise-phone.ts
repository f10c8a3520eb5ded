/** Phone numbers in one form (E.164), so that +49 30 …, 0049 30 …, 030/… and (030) … are one number. */
import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';

export type { CountryCode };

/** Numbers written without a country prefix are read as German ones unless the caller says otherwise. */
export const defaultPhoneCountry: CountryCode = 'DE';

/**
 * E.164 (`+49301234567`), or null when the text is not a valid number. The `max` metadata is used
 * because only it checks the number plan of each range: with `min`, `01512345678` (a 0151 mobile
 * one digit short) or a bare `1234567` without area code count as valid German numbers, and such
 * wrong numbers would then be compared and looked up as if they were real.
 */
export const normalisePhone = (text: string, defaultCountry: CountryCode = defaultPhoneCountry): string | null => {
  const parsed = parsePhoneNumberFromString(text, defaultCountry);
  return parsed?.isValid() ? parsed.number : null;
};

/** The phone country for an ISO alpha-2 code (as `normaliseCountry` gives), undefined when there is none. */
export const phoneCountry = (code: string | null | undefined): CountryCode | undefined =>
  code && isSupportedCountry(code) ? code : undefined;

/**
 * A mobile number (E.164 in, as profiles store them): one person's own line, unlike a landline that
 * a household, a couple or a switchboard shares. Numbers of plans that do not tell mobile from
 * fixed (`FIXED_LINE_OR_MOBILE`, as in the US) do not count: they lift no cap.
 */
export const isMobileNumber = (e164: string): boolean => parsePhoneNumberFromString(e164)?.getType() === 'MOBILE';
