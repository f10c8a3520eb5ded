/** The 409 that warns before a duplicate exists (API.md): the candidates, and nothing created. */
import type { Candidate } from '../../domain/inbox/inbox-entry.ts';
import { KontaktError } from '../../domain/shared/errors.ts';

export const possibleDuplicates = (what: 'person' | 'company', candidates: readonly Candidate[]): KontaktError =>
  new KontaktError(
    'possible-duplicates',
    `This ${what} may exist already (${candidates.length} candidate${candidates.length === 1 ? '' : 's'}); send "force": true to create it anyway`,
    { extra: { candidates } },
  );
