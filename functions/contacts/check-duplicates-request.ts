/** `POST /v1/duplicates/check`: the warning a UI shows while someone types a person or company in. */
import type * as z from 'zod/mini';
import { probeLookups } from '../../domain/duplicates/record-profiles.ts';
import { validationError } from '../../domain/shared/errors.ts';
import { allKinds, type FindCandidates } from '../duplicates/find-candidates.ts';
import type { HttpRequest, HttpResult } from '../shared/http.ts';
import type { DuplicateCheckBody } from './contacts-input.ts';
import { toCandidateResponse } from './contacts-response.ts';

export const checkDuplicatesRequest =
  (deps: { findCandidates: FindCandidates }) =>
  async (request: HttpRequest<z.infer<typeof DuplicateCheckBody>, undefined, undefined>): Promise<HttpResult> => {
    const { person, company } = request.body;
    if (!person && !company) {
      throw validationError([{ field: 'person', message: 'give a person, a company or both' }]);
    }
    const lookups = probeLookups({
      ...(person
        ? {
            person: {
              ...person,
              ...(person.address ?? {}),
              emails: person.emails ?? [],
              phones: person.phones ?? [],
            },
          }
        : {}),
      ...(company
        ? {
            company: {
              ...company,
              ...(company.address ?? {}),
              emails: company.emails ?? [],
              phones: company.phones ?? [],
            },
          }
        : {}),
    });
    const candidates = await deps.findCandidates(lookups, { kinds: allKinds });
    return { status: 200, body: { candidates: candidates.map(toCandidateResponse) } };
  };
