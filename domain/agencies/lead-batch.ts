/**
 * A batch of agency leads: which once-only guard each lead gets, and in which order the leads are
 * stored so that repeats inside one batch find their first delivery already written.
 */
import { createHash } from 'node:crypto';
import type { Contact } from '../inbox/inbox-entry.ts';
import type { FieldError } from '../shared/errors.ts';
import type { Money } from '../shared/money.ts';

export const maxLeadsPerBatch = 100;

/** How long a retry is recognised by its Idempotency-Key or by its content (API.md: 24 hours). */
export const retryWindowSeconds = 24 * 3600;

export type LeadResult =
  | { index: number; status: 'created' | 'duplicate_delivery'; id: string }
  | { index: number; status: 'invalid'; errors: FieldError[] };

/** What a guard keys on: the agency's id for the lead, the request it came in, or the lead itself. */
export type LeadGuardKind = 'externalId' | 'idempotencyKey' | 'content';

/** `ttlSeconds` null: for good. */
export type LeadGuard = { id: string; kind: LeadGuardKind; ttlSeconds: number | null };

export type GuardedLead = {
  externalId?: string | undefined;
  title?: string | undefined;
  contact: Contact;
  message?: string | undefined;
  expectedBudget?: Money | null | undefined;
};

/** Unicode composed, spaces at the ends dropped and inner runs of white space as one. */
const normaliseText = (text: string): string => text.normalize('NFC').replace(/\s+/gu, ' ').trim();

/**
 * The lead's content as one canonical JSON text: keys sorted, texts normalised, e-mail addresses
 * in lower case, and empty, null or absent values left out, so the same lead serialised again
 * by another system (other key order, trailing spaces, `null` for nothing) reads the same.
 */
const canonicalContent = (lead: GuardedLead): string => {
  const canonical = (value: unknown, key: string | null): unknown => {
    if (typeof value === 'string') {
      const text = normaliseText(value);
      return key === 'email' ? text.toLowerCase() : text;
    }
    if (Array.isArray(value)) return value.map((item) => canonical(item, null));
    if (typeof value !== 'object' || value === null) return value;
    const entries: [string, unknown][] = [];
    for (const [k, v] of Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const c = canonical(v, k);
      if (c !== undefined && c !== null && c !== '') entries.push([k, c]);
    }
    return Object.fromEntries(entries);
  };
  const { externalId: _externalId, ...content } = lead;
  return JSON.stringify(canonical(content, null));
};

/**
 * The guard that makes storing this lead a one-time act:
 * - the agency's own externalId when it gave one, for good (the agency's id names one lead for ever);
 * - otherwise, under an Idempotency-Key, the lead's place in exactly this request (key, body hash,
 *   index) for the key's 24 hours, so a batch retried after a crash mid-way stores nothing twice;
 * - otherwise the lead's content for 24 hours: an agency that retries without either sends the same
 *   lead again, and within a day that is a retry, not a new enquiry.
 * The kinds are namespaced so an externalId can never take another kind's guard.
 */
export const leadGuard = (
  lead: GuardedLead,
  index: number,
  idempotency: { key: string; requestHash: string } | null,
): LeadGuard => {
  if (lead.externalId !== undefined) return { id: `ext:${lead.externalId}`, kind: 'externalId', ttlSeconds: null };
  if (idempotency) {
    return {
      id: `idem:${idempotency.requestHash}:${index}:${idempotency.key}`,
      kind: 'idempotencyKey',
      ttlSeconds: retryWindowSeconds,
    };
  }
  return contentGuard(lead);
};

/** The guard of the lead's content for 24 hours (see `leadGuard`). */
export const contentGuard = (lead: GuardedLead): LeadGuard => {
  const hash = createHash('sha256').update(canonicalContent(lead), 'utf8').digest('base64url');
  return { id: `content:${hash}`, kind: 'content', ttlSeconds: retryWindowSeconds };
};

/**
 * Every guard a lead is stored with: its `leadGuard`, and under an Idempotency-Key its content guard
 * too, so the same lead sent again without the key (an agency's retry that lost it) within 24 hours
 * is still a retry.
 */
export const leadGuards = (
  lead: GuardedLead,
  index: number,
  idempotency: { key: string; requestHash: string } | null,
): LeadGuard[] => {
  const primary = leadGuard(lead, index, idempotency);
  return primary.kind === 'idempotencyKey' ? [primary, contentGuard(lead)] : [primary];
};

/**
 * Splits leads (by their guards, in batch order) into the first of each guard, which may be stored
 * side by side, and repeats of a guard seen earlier, stored afterwards one by one: two writes of
 * the same guard at the same moment would collide instead of one finding the other.
 */
export const storageOrder = <T extends { guards: readonly { id: string }[] }>(
  leads: readonly T[],
): { first: T[]; repeats: T[] } => {
  const seen = new Set<string>();
  const first: T[] = [];
  const repeats: T[] = [];
  for (const lead of leads) {
    if (lead.guards.some((g) => seen.has(g.id))) repeats.push(lead);
    else first.push(lead);
    for (const g of lead.guards) seen.add(g.id);
  }
  return { first, repeats };
};
