/**
 * A batch of agency leads: which once-only guard each lead gets, and in which order the leads are
 * stored so that repeats inside one batch find their first delivery already written.
 */
import type { FieldError } from '../shared/errors.ts';

export const maxLeadsPerBatch = 100;

export type LeadResult =
  | { index: number; status: 'created' | 'duplicate_delivery'; id: string }
  | { index: number; status: 'invalid'; errors: FieldError[] };

/**
 * The guard that makes storing this lead a one-time act, or null when there is none:
 * the agency's own externalId when it gave one; otherwise, when the request carries an
 * Idempotency-Key, the lead's place in exactly this request (key, body hash, index), so a batch
 * retried after a crash mid-way never stores a lead twice. The two kinds are namespaced so an
 * externalId can never take another lead's idempotency guard.
 */
export const leadGuardId = (
  lead: { externalId?: string | undefined },
  index: number,
  idempotency: { key: string; requestHash: string } | null,
): string | null => {
  if (lead.externalId !== undefined) return `ext:${lead.externalId}`;
  if (idempotency) return `idem:${idempotency.requestHash}:${index}:${idempotency.key}`;
  return null;
};

/**
 * Splits leads (by their guards, in batch order) into the first of each guard, which may be stored
 * side by side, and repeats of a guard seen earlier, stored afterwards one by one: two writes of
 * the same guard at the same moment would collide instead of one finding the other.
 */
export const storageOrder = <T extends { guard: string | null }>(leads: readonly T[]): { first: T[]; repeats: T[] } => {
  const seen = new Set<string>();
  const first: T[] = [];
  const repeats: T[] = [];
  for (const lead of leads) {
    if (lead.guard !== null && seen.has(lead.guard)) repeats.push(lead);
    else {
      if (lead.guard !== null) seen.add(lead.guard);
      first.push(lead);
    }
  }
  return { first, repeats };
};
