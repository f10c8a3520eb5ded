/**
 * The pipeline raises the lifecycle stage of an opportunity's contact in the opportunity's own
 * transaction (domain/companies/lifecycle.ts): the company, or the person when there is no company
 * and the person has none (B2C). The contact is read first and written conditional on its version,
 * so a concurrent change of it cancels the transaction (409 `concurrent-change`, which the
 * opportunity's actions retry on a fresh read) instead of being overwritten.
 */
import type { Company } from '../../domain/companies/company.ts';
import { type LifecycleStage, raiseStage, type StageEvent } from '../../domain/companies/lifecycle.ts';
import type { Person } from '../../domain/persons/person.ts';
import { conflict, unprocessable } from '../../domain/shared/errors.ts';
import type { TransactItem } from '../shared/transactions.ts';
import { companies } from './company.entity.ts';
import type { CompanyRepository } from './company.repository.ts';
import type { Loaded } from './contact-records.ts';
import { persons } from './person.entity.ts';
import type { PersonRepository } from './person.repository.ts';

export type StageContacts = {
  companies: Pick<CompanyRepository, 'load' | 'updateItems'>;
  persons: Pick<PersonRepository, 'load' | 'updateItems'>;
};

/** The record a contact that is not active was or is being merged into, if any. */
const survivorOf = (loaded: Loaded<unknown>): string | null =>
  loaded === null ? null : loaded.state === 'merged' ? loaded.mergedInto : loaded.mergingInto;

type Contact = { companyId: string | null; personId: string | null };

const raised = <T extends Company | Person>(record: T, to: LifecycleStage, event: StageEvent, now: Date): T | null => {
  const next = raiseStage(record, to, now.toISOString(), event);
  return next === record ? null : { ...next, updatedAt: now.toISOString(), version: record.version + 1 };
};

/**
 * The writes that raise the contact to `to` (none when it is there or further). With `requireLive`
 * (a win) the contact must exist and not be merged away: gone is 422 naming the field, being merged
 * 409 `merge-in-progress`, and a contact already as far is checked in the transaction all the same.
 */
export const stageRaiseItems = async (
  deps: StageContacts,
  tableName: string,
  contact: Contact,
  to: LifecycleStage,
  event: StageEvent,
  now: Date,
  options: { requireLive?: boolean } = {},
): Promise<TransactItem[]> => {
  const refuse = (field: string, noun: string, id: string, into: string | null): never => {
    if (into) {
      throw conflict('merge-in-progress', `${noun} ${id} is being merged into ${into}; retry`, { survivorId: into });
    }
    throw unprocessable(field, `no ${noun} ${id}`);
  };
  const liveCheck = (key: { pk: string; sk: string }): TransactItem[] =>
    options.requireLive
      ? [
          {
            ConditionCheck: {
              TableName: tableName,
              Key: key,
              ConditionExpression:
                'attribute_exists(pk) AND attribute_not_exists(mergingInto) AND attribute_not_exists(mergedInto)',
            },
          },
        ]
      : [];

  if (contact.companyId) {
    const loaded = await deps.companies.load(contact.companyId, { consistent: true });
    if (loaded?.state !== 'active' || loaded.mergingInto) {
      if (!options.requireLive) return [];
      return refuse('companyId', 'company', contact.companyId, survivorOf(loaded));
    }
    const next = raised(loaded.record, to, event, now);
    return next ? deps.companies.updateItems(loaded.record, next) : liveCheck(companies.key(contact.companyId));
  }
  if (contact.personId) {
    const loaded = await deps.persons.load(contact.personId, { consistent: true });
    if (loaded?.state !== 'active' || loaded.mergingInto) {
      if (!options.requireLive) return [];
      return refuse('personId', 'person', contact.personId, survivorOf(loaded));
    }
    // a person with a company has the company's stage: an opportunity stored naming the person alone raises it
    if (loaded.record.companyId) {
      return stageRaiseItems(
        deps,
        tableName,
        { companyId: loaded.record.companyId, personId: null },
        to,
        event,
        now,
        options,
      );
    }
    const next = raised(loaded.record, to, event, now);
    return next ? deps.persons.updateItems(loaded.record, next) : liveCheck(persons.key(contact.personId));
  }
  return [];
};
