/**
 * What each kind of record contributes to duplicate protection: its match profiles and the lookup
 * keys it is stored (and probed) under. Persons and inbox entries match as persons; companies, and
 * inbox entries that name a company, match as companies.
 */
import type { Company } from '../companies/company.ts';
import type { Contact } from '../inbox/inbox-entry.ts';
import type { Person } from '../persons/person.ts';
import { companyLookupKeys, type LookupKey, personLookupKeys } from './lookup-keys.ts';
import {
  type CompanyInput,
  type CompanyProfile,
  companyProfile,
  type PersonInput,
  type PersonProfile,
  personProfile,
} from './match-profile.ts';

export type MatchProfiles = { person?: PersonProfile; company?: CompanyProfile };
export type RecordLookups = { keys: LookupKey[]; profiles: MatchProfiles };

export const noLookups: RecordLookups = { keys: [], profiles: {} };

/** The keys of both profiles (person and company keys never share a prefix), in a stable order. */
export const lookupsOf = (profiles: MatchProfiles): RecordLookups => ({
  keys: [
    ...(profiles.person ? personLookupKeys(profiles.person) : []),
    ...(profiles.company ? companyLookupKeys(profiles.company) : []),
  ],
  profiles,
});

const profiles = (person: PersonInput | null, company: CompanyInput | null): MatchProfiles => {
  const p = person ? personProfile(person) : null;
  const c = company ? companyProfile(company) : null;
  return { ...(p ? { person: p } : {}), ...(c ? { company: c } : {}) };
};

export const personInput = (person: Person): PersonInput => ({
  firstName: person.firstName,
  lastName: person.lastName,
  emails: person.emails,
  phones: person.phones,
  ...(person.birthday === undefined ? {} : { birthday: person.birthday }),
  ...(person.address ?? {}),
});

export const companyInput = (company: Company): CompanyInput => ({
  name: company.name,
  emails: company.emails,
  phones: company.phones,
  ...(company.website === undefined ? {} : { website: company.website }),
  ...(company.address ?? {}),
});

/** A contact as an inbox entry carries it, matched as a person and, when it names one, as a company. */
export const contactProfiles = (contact: Contact): MatchProfiles => {
  const { companyName, email, phone, salutation: _s, title: _t, ...rest } = contact;
  const emails = email ? [email] : [];
  const phones = phone ? [phone] : [];
  const company: CompanyInput | null = companyName
    ? {
        name: companyName,
        emails,
        phones,
        ...(rest.street === undefined ? {} : { street: rest.street }),
        ...(rest.postalCode === undefined ? {} : { postalCode: rest.postalCode }),
        ...(rest.city === undefined ? {} : { city: rest.city }),
        ...(rest.country === undefined ? {} : { country: rest.country }),
      }
    : null;
  return profiles({ ...rest, emails, phones, ...(companyName ? { companyName } : {}) }, company);
};

export const personProfiles = (person: Person): MatchProfiles => profiles(personInput(person), null);
export const companyProfiles = (company: Company): MatchProfiles => profiles(null, companyInput(company));
export const personLookups = (person: Person): RecordLookups => lookupsOf(personProfiles(person));
export const companyLookups = (company: Company): RecordLookups => lookupsOf(companyProfiles(company));
export const contactLookups = (contact: Contact): RecordLookups => lookupsOf(contactProfiles(contact));
export const probeLookups = (probe: { person?: PersonInput; company?: CompanyInput }): RecordLookups =>
  lookupsOf(profiles(probe.person ?? null, probe.company ?? null));
