/** The normalised, compact form of a person or company that every lookup item carries, so a check never fetches records. */

import { foldText } from '../inbox/search-tokens.ts';
import { normaliseEmail } from '../shared/normalise-email.ts';
import { normaliseCountry, normalisePostcode, normaliseStreet } from './address.ts';
import { companyKey } from './company-name.ts';
import { type CountryCode, defaultPhoneCountry, normalisePhone, phoneCountry } from './normalise-phone.ts';
import { isOnlyTitles, normalisePersonName } from './person-name.ts';

export type PersonInput = {
  firstName?: string;
  lastName?: string;
  emails: readonly string[];
  phones: readonly string[];
  birthday?: string;
  street?: string;
  addressLine2?: string;
  postalCode?: string;
  city?: string;
  country?: string;
  companyName?: string;
};

export type CompanyInput = {
  name: string;
  emails: readonly string[];
  phones: readonly string[];
  website?: string;
  street?: string;
  postalCode?: string;
  city?: string;
  country?: string;
};

/** Shared by persons and companies. Absent values are left out (never undefined, '' or []): items are DynamoDB maps. */
type PlaceProfile = {
  emails?: string[];
  phones?: string[];
  /** Street name written out and compacted ("hauptstrasse"). */
  street?: string;
  houseNumber?: string;
  postcode?: string;
  city?: string;
  /** ISO alpha-2 where recognised ("DE"), else the folded text. */
  country?: string;
};

export type PersonProfile = PlaceProfile & {
  firstName?: string;
  lastName?: string;
  /** YYYY-MM-DD, only a real calendar date. */
  birthday?: string;
  addressLine2?: string;
  /** `companyKey` of the company name. */
  company?: string;
};

export type CompanyProfile = PlaceProfile & {
  /** `companyKey` of the name. */
  name: string;
  /** Website domain and the domains of non-freemail emails ("acme.de"). */
  domains?: string[];
};

/** At most this many emails and phones each go into a profile, so lookups per record stay bounded. */
export const maxContactsPerKind = 5;

/** Mailbox providers: a shared domain there says nothing about a shared company. */
export const freemailDomains: ReadonlySet<string> = new Set([
  'gmail.com',
  'googlemail.com',
  'gmx.de',
  'gmx.net',
  'gmx.at',
  'gmx.ch',
  'gmx.com',
  'web.de',
  't-online.de',
  'freenet.de',
  'arcor.de',
  'online.de',
  'posteo.de',
  'mailbox.org',
  'outlook.com',
  'outlook.de',
  'hotmail.com',
  'hotmail.de',
  'live.com',
  'live.de',
  'msn.com',
  'yahoo.com',
  'yahoo.de',
  'ymail.com',
  'aol.com',
  'aol.de',
  'icloud.com',
  'me.com',
  'mac.com',
  'proton.me',
  'protonmail.com',
  'email.de',
  'vodafone.de',
  'kabelmail.de',
  'unitybox.de',
  'mail.de',
  'bluewin.ch',
  'gmx.li',
]);

/** Distinct non-blank values in their first order. */
const present = (values: readonly (string | null)[]): string[] => [
  ...new Set(values.filter((v): v is string => v !== null && v !== '')),
];

const nonBlank = (text: string | undefined): string | null => {
  const trimmed = text?.trim();
  return trimmed ? trimmed : null;
};

const emailsOf = (emails: readonly string[]): string[] =>
  present(emails.map((e) => normaliseEmail(e)).filter((e) => /^[^@\s]+@[^@\s]+$/.test(e))).slice(0, maxContactsPerKind);

const phonesOf = (phones: readonly string[], country: CountryCode): string[] =>
  present(phones.map((p) => normalisePhone(p, country))).slice(0, maxContactsPerKind);

const folded = (text: string | undefined): string | null => {
  const value = text
    ? foldText(text)
        .replace(/[^\p{L}\p{N}]+/gu, ' ')
        .trim()
    : '';
  return value ? value : null;
};

/** A real calendar date in YYYY-MM-DD, else null. */
const birthdayOf = (text: string | undefined): string | null => {
  const value = text?.trim() ?? '';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value ? value : null;
};

/** The domain of a website written as a URL or a bare host ("https://www.ACME.de/kontakt" → "acme.de"). */
const websiteDomain = (website: string | undefined): string | null => {
  const host = (website ?? '')
    .trim()
    .toLowerCase()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
    .split(/[/?#:]/)[0]
    ?.replace(/^www\d?\./, '')
    .replace(/\.$/, '');
  return host && /^[^\s@]+\.[^\s@]+$/.test(host) ? host : null;
};

const emailDomain = (email: string): string | null => {
  const domain = email.slice(email.lastIndexOf('@') + 1);
  return domain && !freemailDomains.has(domain) ? domain : null;
};

type PlaceInput = { street?: string; postalCode?: string; city?: string; country?: string };

/** Sets the address and contact fields that are present (a DynamoDB map must not hold undefined, '' or []). */
const addPlace = (profile: PlaceProfile, input: PlaceInput, emails: string[], phones: string[]): void => {
  if (emails.length > 0) profile.emails = emails;
  if (phones.length > 0) profile.phones = phones;
  const street = nonBlank(input.street) ? normaliseStreet(input.street ?? '') : null;
  if (street?.name) profile.street = street.name;
  if (street?.houseNumber) profile.houseNumber = street.houseNumber;
  const postcode = input.postalCode ? normalisePostcode(input.postalCode, input.country) : null;
  if (postcode) profile.postcode = postcode;
  const city = folded(input.city);
  if (city) profile.city = city;
  const country = input.country ? normaliseCountry(input.country) : null;
  if (country) profile.country = country;
};

const phoneCountryOf = (input: { country?: string }, options?: { defaultCountry?: CountryCode }): CountryCode =>
  options?.defaultCountry ??
  phoneCountry(input.country ? normaliseCountry(input.country) : null) ??
  defaultPhoneCountry;

/**
 * A person's profile; null when there is too little to match on (no name, no email, no phone).
 * Phones without a country prefix are read in `defaultCountry`, else in the person's country, else DE.
 */
export const personProfile = (input: PersonInput, options?: { defaultCountry?: CountryCode }): PersonProfile | null => {
  const firstName = input.firstName && !isOnlyTitles(input.firstName) ? normalisePersonName(input.firstName) : '';
  const lastName = input.lastName ? normalisePersonName(input.lastName) : '';
  const emails = emailsOf(input.emails);
  const phones = phonesOf(input.phones, phoneCountryOf(input, options));
  if (!firstName && !lastName && emails.length === 0 && phones.length === 0) return null;
  const profile: PersonProfile = {};
  if (firstName) profile.firstName = firstName;
  if (lastName) profile.lastName = lastName;
  addPlace(profile, input, emails, phones);
  const birthday = birthdayOf(input.birthday);
  if (birthday) profile.birthday = birthday;
  const addressLine2 = folded(input.addressLine2);
  if (addressLine2) profile.addressLine2 = addressLine2;
  const company = input.companyName ? companyKey(input.companyName) : '';
  if (company) profile.company = company;
  return profile;
};

/** A company's profile; null when its name leaves nothing to compare (only punctuation or blank). */
export const companyProfile = (
  input: CompanyInput,
  options?: { defaultCountry?: CountryCode },
): CompanyProfile | null => {
  const name = companyKey(input.name);
  if (!name) return null;
  const emails = emailsOf(input.emails);
  const phones = phonesOf(input.phones, phoneCountryOf(input, options));
  const profile: CompanyProfile = { name };
  addPlace(profile, input, emails, phones);
  const domains = present([websiteDomain(input.website), ...emails.map(emailDomain)]).slice(0, maxContactsPerKind);
  if (domains.length > 0) profile.domains = domains;
  return profile;
};
