/**
 * The web forms a submission container reads, kept in its memory for a short while: at a campaign's
 * peak every submission of a form would otherwise read the same item again (a read per lead, and
 * the slowest step of the request after its write). A change of a form (origins, honeypot,
 * responsible user) reaches the submission route within `ttlMs`; an unknown key is remembered as
 * unknown just as long, so a flood of made-up keys costs no reads either. A failed read is not kept.
 */
import { keptReads } from '../shared/kept-reads.ts';
import type { StoredWebform, WebformRepository } from './webform.repository.ts';

export const formCache = { ttlMs: 30_000, maxForms: 1_000 } as const;

export const cachedForms = (
  forms: Pick<WebformRepository, 'get'>,
  options: { ttlMs?: number; maxForms?: number; now?: () => number } = {},
): Pick<WebformRepository, 'get'> => {
  const kept = keptReads<StoredWebform | null>({
    ttlMs: options.ttlMs ?? formCache.ttlMs,
    max: options.maxForms ?? formCache.maxForms,
    ...(options.now ? { now: options.now } : {}),
  });
  return { get: (key: string) => kept.get(key, () => forms.get(key)) };
};
