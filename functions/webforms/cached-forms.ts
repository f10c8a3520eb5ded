/**
 * The web forms a submission container reads, kept in its memory for a short while: at a campaign's
 * peak every submission of a form would otherwise read the same item again (a read per lead, and
 * the slowest step of the request after its write). A change of a form (origins, honeypot,
 * responsible user) reaches the submission route within `ttlMs`; an unknown key is remembered as
 * unknown just as long, so a flood of made-up keys costs no reads either. A failed read is not kept.
 */
import type { StoredWebform, WebformRepository } from './webform.repository.ts';

export const formCache = { ttlMs: 30_000, maxForms: 1_000 } as const;

export const cachedForms = (
  forms: Pick<WebformRepository, 'get'>,
  options: { ttlMs?: number; maxForms?: number; now?: () => number } = {},
): Pick<WebformRepository, 'get'> => {
  const ttlMs = options.ttlMs ?? formCache.ttlMs;
  const maxForms = options.maxForms ?? formCache.maxForms;
  const now = options.now ?? Date.now;
  const kept = new Map<string, { at: number; found: Promise<StoredWebform | null> }>();
  return {
    get(key: string): Promise<StoredWebform | null> {
      const at = now();
      const hit = kept.get(key);
      if (hit && at - hit.at < ttlMs) return hit.found;
      const found = forms.get(key);
      kept.delete(key);
      kept.set(key, { at, found });
      found.catch(() => {
        if (kept.get(key)?.found === found) kept.delete(key);
      });
      // the oldest read goes first (a Map iterates in insertion order)
      if (kept.size > maxForms) kept.delete(kept.keys().next().value as string);
      return found;
    },
  };
};
