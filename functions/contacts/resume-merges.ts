/**
 * Finishes merges whose caller never came back (the request's Lambda was stopped, the client gave
 * up): every few minutes, merges started longer ago than the grace period are continued exactly as
 * a repeated request would continue them. A merge that cannot finish (the survivor was merged away
 * meanwhile) is logged and left for a person to look at.
 */
import type { Company } from '../../domain/companies/company.ts';
import type { Person } from '../../domain/persons/person.ts';
import { logger } from '../shared/logger.ts';
import { mergeCompanyInto } from './companies.ts';
import type { CompanyRepository } from './company.repository.ts';
import type { PersonRepository } from './person.repository.ts';
import { mergePersonInto } from './persons.ts';
import type { createRecordMerger, PendingMerge } from './record-merge.ts';

/** A merge still running after this long has lost its caller (a merge request runs at most 29 s). */
export const mergeGraceSeconds = 300;
/** merges continued per run; the next run takes the rest */
export const mergesPerRun = 20;

export type ResumeMergesDeps = {
  listPending: (startedBefore: string, limit: number) => Promise<PendingMerge[]>;
  persons: PersonRepository;
  personMerger: ReturnType<typeof createRecordMerger<Person>>;
  companies: CompanyRepository;
  companyMerger: ReturnType<typeof createRecordMerger<Company>>;
  now: () => Date;
};

export const resumeMerges = async (deps: ResumeMergesDeps): Promise<{ resumed: number; failed: number }> => {
  const startedBefore = new Date(deps.now().getTime() - mergeGraceSeconds * 1000).toISOString();
  const pending = await deps.listPending(startedBefore, mergesPerRun);
  let resumed = 0;
  let failed = 0;
  for (const merge of pending) {
    try {
      if (merge.kind === 'PERSON') await mergePersonInto(deps, merge.survivorId, merge.duplicateId);
      else await mergeCompanyInto(deps, merge.survivorId, merge.duplicateId);
      resumed += 1;
    } catch (error) {
      failed += 1;
      logger.error('a stopped merge could not be finished', { error, ...merge });
    }
  }
  return { resumed, failed };
};
