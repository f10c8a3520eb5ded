/** Web forms: how a website's posted fields become an inbox entry, and how spam is told from leads. */

import type { Contact, Tracking } from '../inbox/inbox-entry.ts';
import { oneLine, stripControls } from '../shared/plain-text.ts';

export type ContactField = keyof Contact;
export type MappingTarget = ContactField | 'message' | 'consent';

/** Every field a channel can fill: the contact's fields and the message. */
export const contactTargets = [
  'salutation',
  'title',
  'firstName',
  'lastName',
  'email',
  'phone',
  'companyName',
  'street',
  'addressLine2',
  'postalCode',
  'city',
  'country',
  'birthday',
  'message',
] as const satisfies readonly MappingTarget[];

export const mappingTargets = [...contactTargets, 'consent'] as const satisfies readonly MappingTarget[];

export type Webform = {
  key: string;
  name: string;
  /** origins (scheme://host[:port]) whose pages may post from a browser; others get no CORS and a 403 */
  allowedOrigins: string[];
  /** posted field name → target; posted fields not named here stay in the raw payload only */
  fieldMapping: Record<string, MappingTarget>;
  defaultPriority: string;
  responsibleUserId: string | null;
  thankYouUrl: string | null;
  consentText: string | null;
  /** a field people never see; bots fill it */
  honeypotField: string;
  /** submissions faster than this after the embed script was served are spam (0: no check) */
  minFillSeconds: number;
  createdAt: string;
  updatedAt: string;
  version: number;
};

export type PostedFields = Record<string, string>;

/** Fields the embed script adds that are never contact data. */
export const fillTokenField = '_kontakt_ts';
const trackingFields = [
  'pageUrl',
  'referrer',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
] as const;

export type MappedSubmission = { contact: Contact; message?: string; consentGiven: boolean; tracking?: Tracking };

/** A posted field's value, or undefined: only fields that were posted, never what a plain object inherits. */
const posted = (fields: PostedFields, name: string): string | undefined =>
  Object.hasOwn(fields, name) ? fields[name] : undefined;

/** Longest link kept; beyond it a page address is no address anyone wants to open. */
const maxLinkLength = 2000;

/**
 * A link as a browser sent it, kept only when it is an absolute http(s) URL: anything else
 * (`javascript:`, `data:`, a relative path) would become a dangerous or broken link in a CRM
 * screen. It is third-party data, so it is dropped rather than the lead refused.
 */
export const webLink = (value: string | undefined): string | undefined => {
  const text = value?.trim();
  if (!text || text.length > maxLinkLength || !/^https?:\/\//i.test(text)) return undefined;
  try {
    // the parsed form: the URL parser drops the tabs and line breaks a forged value hides in it
    const url = new URL(stripControls(text));
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
};

const checked = (value: string | undefined): boolean =>
  value !== undefined && ['on', 'yes', 'true', '1', 'checked'].includes(value.trim().toLowerCase());

const trackingOf = (fields: PostedFields, referer: string | undefined): Tracking | undefined => {
  // one line, without control characters: the browser's page sends what it likes
  const utmOf = (name: string) => oneLine(posted(fields, name) ?? '').trim() || undefined;
  const [source, medium, campaign, term, content] = [
    utmOf('utm_source'),
    utmOf('utm_medium'),
    utmOf('utm_campaign'),
    utmOf('utm_term'),
    utmOf('utm_content'),
  ];
  const utm = {
    ...(source ? { source } : {}),
    ...(medium ? { medium } : {}),
    ...(campaign ? { campaign } : {}),
    ...(term ? { term } : {}),
    ...(content ? { content } : {}),
  };
  const pageUrl = webLink(posted(fields, 'pageUrl')) ?? webLink(referer);
  const referrer = webLink(posted(fields, 'referrer'));
  const tracking: Tracking = {
    ...(pageUrl ? { pageUrl } : {}),
    ...(referrer ? { referrer } : {}),
    ...(Object.keys(utm).length > 0 ? { utm } : {}),
  };
  return Object.keys(tracking).length > 0 ? tracking : undefined;
};

/** Applies a form's mapping; empty values count as not given. `referer` is the browser's page when the form sent none. */
export const mapSubmission = (form: Webform, fields: PostedFields, referer?: string): MappedSubmission => {
  const contact: Contact = {};
  let message: string | undefined;
  let consentGiven = false;
  for (const [name, target] of Object.entries(form.fieldMapping)) {
    const value = posted(fields, name)?.trim();
    if (target === 'consent') {
      consentGiven = checked(value);
      continue;
    }
    if (!value) continue;
    if (target === 'message') message = value;
    else contact[target] = value;
  }
  const tracking = trackingOf(fields, referer);
  return {
    contact,
    consentGiven,
    ...(message === undefined ? {} : { message }),
    ...(tracking === undefined ? {} : { tracking }),
  };
};

/** A lead nobody can reach or name is not a lead. */
export const reachableContactFields: readonly ContactField[] = ['email', 'phone', 'lastName', 'companyName'];

export const isReachable = (contact: Contact): boolean =>
  reachableContactFields.some((field) => Boolean(contact[field]));

/**
 * Why a form's honeypot would catch people rather than bots, or null: a field the form maps, or
 * one the embed script fills on every submission, is filled by every real visitor.
 */
export const honeypotProblem = (form: Pick<Webform, 'fieldMapping' | 'honeypotField'>): string | null => {
  const name = form.honeypotField;
  if (Object.hasOwn(form.fieldMapping, name)) {
    return `is mapped to ${form.fieldMapping[name]}: every real lead would fill it and be archived as spam`;
  }
  if (name === fillTokenField || trackingFields.some((field) => field === name)) {
    return `is a field the embed script fills on every submission: every real lead would be archived as spam`;
  }
  return null;
};

/** What the fill-time token said: absent (a plain HTML form), forged, or issued at a time. */
export type FillToken = { kind: 'absent' } | { kind: 'invalid' } | { kind: 'valid'; issuedAt: number };

export type SpamReason = 'honeypot' | 'forged_token' | 'too_fast';

/**
 * Spam checks that cost the sender nothing: the honeypot, and, where the embed script issued a
 * signed timestamp, the time it took to fill the form. A plain HTML form has no timestamp and
 * skips that check.
 */
export const detectSpam = (form: Webform, fields: PostedFields, token: FillToken, now: Date): SpamReason | null => {
  if (posted(fields, form.honeypotField)?.trim()) return 'honeypot';
  if (token.kind === 'invalid') return 'forged_token';
  if (token.kind === 'valid' && now.getTime() - token.issuedAt < form.minFillSeconds * 1000) return 'too_fast';
  return null;
};

export const isAllowedOrigin = (form: Webform, origin: string): boolean =>
  form.allowedOrigins.some((allowed) => allowed.toLowerCase() === origin.toLowerCase());

export const demoWebform = (now: Date): Webform => ({
  key: 'demo',
  name: 'Demo contact form',
  allowedOrigins: ['http://127.0.0.1:3000', 'http://localhost:3000'],
  fieldMapping: {
    firstName: 'firstName',
    lastName: 'lastName',
    email: 'email',
    phone: 'phone',
    company: 'companyName',
    street: 'street',
    postalCode: 'postalCode',
    city: 'city',
    message: 'message',
    consent: 'consent',
  },
  defaultPriority: 'normal',
  responsibleUserId: null,
  thankYouUrl: null,
  consentText: 'Ich bin einverstanden, dass meine Angaben zur Bearbeitung meiner Anfrage gespeichert werden.',
  honeypotField: 'website',
  minFillSeconds: 3,
  createdAt: now.toISOString(),
  updatedAt: now.toISOString(),
  version: 1,
});
