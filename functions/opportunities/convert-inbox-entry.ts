/**
 * `POST /v1/inbox/{id}/convert` (PRODUCT.md rules 3–4): the opportunity, the company and person
 * created or linked as asked, and the entry marked `converted`, all in one DynamoDB transaction.
 * The entry's write is conditional on it still being open, so of ten concurrent conversions exactly
 * one commits; the others answer 409 `already-converted`. New company and person pass duplicate
 * protection first (409 with candidates unless forced).
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import type * as z from 'zod/mini';
import { type Company, createCompany } from '../../domain/companies/company.ts';
import type { LifecycleStage, StageEvent } from '../../domain/companies/lifecycle.ts';
import { companyLookups, personLookups } from '../../domain/duplicates/record-profiles.ts';
import { companyFromContact, personFromContact } from '../../domain/inbox/conversion.ts';
import type { InboxEntry } from '../../domain/inbox/inbox-entry.ts';
import { convertInboxEntry } from '../../domain/inbox/inbox-workflow.ts';
import { createOpportunity, type Opportunity } from '../../domain/opportunities/opportunity.ts';
import { createPerson, type Person, patchPerson } from '../../domain/persons/person.ts';
import type { Pipeline } from '../../domain/pipelines/pipeline.ts';
import { conflict, notFound, unprocessable } from '../../domain/shared/errors.ts';
import { companies } from '../contacts/company.entity.ts';
import type { CompanyRepository } from '../contacts/company.repository.ts';
import { e164Phones } from '../contacts/contact-fields.ts';
import { toCompanyResponse, toPersonResponse } from '../contacts/contacts-response.ts';
import { stageRaiseItems } from '../contacts/lifecycle-writes.ts';
import { persons } from '../contacts/person.entity.ts';
import type { PersonRepository } from '../contacts/person.repository.ts';
import { possibleDuplicates } from '../contacts/possible-duplicates.ts';
import { requireLinkable } from '../contacts/record-access.ts';
import type { FindCandidates } from '../duplicates/find-candidates.ts';
import type { InboxEntryRepository } from '../inbox/inbox-entry.repository.ts';
import type { PipelineRepository } from '../pipelines/pipeline.repository.ts';
import type { Key } from '../shared/entity.ts';
import type { HttpRequest, HttpResult } from '../shared/http.ts';
import { retrying } from '../shared/retry.ts';
import { createStore } from '../shared/store.ts';
import { composeTransaction, type TransactItem } from '../shared/transactions.ts';
import type { ConvertBody } from './conversion-input.ts';
import type { OpportunityRepository } from './opportunity.repository.ts';
import { toOpportunityResponse } from './opportunity-response.ts';

export type ConvertDeps = {
  doc: DynamoDBDocumentClient;
  tableName: string;
  inbox: InboxEntryRepository;
  persons: PersonRepository;
  companies: CompanyRepository;
  opportunities: Pick<OpportunityRepository, 'nextNumber' | 'createItems'>;
  pipelines: Pick<PipelineRepository, 'get' | 'defaultFor'>;
  findCandidates: FindCandidates;
  now: () => Date;
};

/** Attempts when DynamoDB reports a conflicting transaction on the same items (never a 500). */
const maxAttempts = 3;

const alreadyConverted = (entry: InboxEntry) =>
  conflict('already-converted', `inbox entry ${entry.id} is converted already`, { opportunityId: entry.opportunityId });

const pipelineFor = async (
  deps: ConvertDeps,
  stage: 'lead' | 'deal',
  pipelineId: string | undefined,
): Promise<Pipeline> => {
  if (pipelineId === undefined) return deps.pipelines.defaultFor(stage);
  const pipeline = await deps.pipelines.get(pipelineId);
  if (!pipeline) throw unprocessable('pipelineId', `no pipeline ${pipelineId}`);
  if (pipeline.stage !== stage)
    throw unprocessable('pipelineId', `pipeline ${pipelineId} is for ${pipeline.stage}s, not ${stage}s`);
  return pipeline;
};

const entryPhone = (entry: InboxEntry): string | null => {
  if (!entry.contact.phone) return null;
  try {
    return e164Phones([entry.contact.phone], 'contact.phone')[0] ?? null;
  } catch {
    throw unprocessable('contact.phone', 'not a phone number that can be dialled; correct the entry first');
  }
};

/** A record the conversion links, checked in its transaction: a failed check names the field to correct. */
type Link = { key: Key; field: 'company.id' | 'person.id'; noun: 'company' | 'person' };

const sameKey = (a: Key, b: Record<string, unknown>): boolean => a.pk === b.pk && a.sk === b.sk;

type Plan = {
  items: TransactItem[];
  links: Link[];
  opportunity: Opportunity;
  company: Company | null;
  person: Person | null;
  entry: InboxEntry;
};

/** Everything the conversion writes, decided (and duplicate-checked) before anything is written. */
const plan = async (deps: ConvertDeps, entry: InboxEntry, body: ConvertBody, userId: string | null): Promise<Plan> => {
  const stage = body.stage ?? 'lead';
  const pipeline = await pipelineFor(deps, stage, body.pipelineId);
  const now = deps.now();
  const opportunityId = ulid(now.getTime());
  // the contact becomes a lead, or a prospect for a deal (domain/companies/lifecycle.ts)
  const contactStage: LifecycleStage = stage === 'deal' ? 'prospect' : 'lead';
  const stageEvent: StageEvent = { by: 'conversion', userId, recordId: opportunityId };
  const raise = (contact: { companyId: string | null; personId: string | null }) =>
    stageRaiseItems(deps, deps.tableName, contact, contactStage, stageEvent, now);

  let company: Company | null = null;
  let companyId: string | null = null;
  const extra: TransactItem[] = [];
  if (body.company && 'id' in body.company) {
    await requireLinkable(deps.companies, 'company.id', 'company', body.company.id);
    companyId = body.company.id;
    extra.push(...(await raise({ companyId, personId: null })));
  } else if (body.company) {
    company = createCompany(
      ulid(now.getTime()),
      { ...companyFromContact(entry.contact), lifecycleStage: contactStage },
      now,
      stageEvent,
    );
    if (!body.company.force) {
      const candidates = await deps.findCandidates(companyLookups(company), { kinds: ['company'] });
      if (candidates.length > 0) throw possibleDuplicates('company', candidates);
    }
    companyId = company.id;
  }

  let person: Person | null = null;
  let personId: string | null = null;
  if (body.person && 'id' in body.person) {
    await requireLinkable(deps.persons, 'person.id', 'person', body.person.id);
    personId = body.person.id;
    // whichever is created first, the person ends up with the company (PRODUCT.md rule 3)
    const linked = await deps.persons.load(personId, { consistent: true });
    if (companyId && linked?.state === 'active' && !linked.record.companyId) {
      const next = patchPerson(linked.record, { companyId }, now);
      extra.push(...deps.persons.updateItems(linked.record, next));
    } else if (!companyId && linked?.state === 'active' && linked.record.companyId) {
      // the opportunity of a person who works at a company is that company's, as when created by hand
      companyId = linked.record.companyId;
      extra.push(...(await raise({ companyId, personId: null })));
    } else if (!companyId) {
      // a person without a company (B2C) carries the stage
      extra.push(...(await raise({ companyId: null, personId })));
    }
  } else if (body.person) {
    const fields = personFromContact(entry.contact, entryPhone(entry), companyId, company !== null);
    person = createPerson(
      ulid(now.getTime()),
      companyId ? fields : { ...fields, lifecycleStage: contactStage },
      now,
      stageEvent,
    );
    if (!body.person.force) {
      const candidates = await deps.findCandidates(personLookups(person), { kinds: ['person'] });
      if (candidates.length > 0) throw possibleDuplicates('person', candidates);
    }
    personId = person.id;
    // the person the conversion creates with the company is its main contact (seed 003)
    if (company && person.isMainContact) company = { ...company, mainContactId: person.id };
  }

  // taken before the transaction: a conversion that fails leaves a gap in the numbers, never a reuse
  const number = await deps.opportunities.nextNumber();
  const opportunity = createOpportunity(
    opportunityId,
    number,
    {
      title: entry.title,
      stage,
      pipeline,
      value: entry.expectedBudget,
      source: entry.source,
      priority: entry.priority,
      responsibleUserId: entry.responsibleUserId,
      companyId,
      personId,
      inboxEntryId: entry.id,
    },
    now,
  );
  const converted = convertInboxEntry(entry, { opportunityId: opportunity.id, companyId, personId }, userId, now);
  const items = composeTransaction([
    ...(company ? deps.companies.createItems(company) : []),
    ...(person ? deps.persons.createItems(person) : []),
    ...extra,
    ...deps.opportunities.createItems(opportunity),
    ...deps.inbox.convertItems(entry, converted),
  ]);
  const links: Link[] = [
    ...(companyId ? [{ key: companies.key(companyId), field: 'company.id' as const, noun: 'company' as const }] : []),
    ...(personId ? [{ key: persons.key(personId), field: 'person.id' as const, noun: 'person' as const }] : []),
  ];
  return { items, links, opportunity, company, person, entry: converted };
};

/**
 * The person as the conversion created it: the conversion has always answered it without the
 * person routes' `addressInherited` (it shows the person's own address, never the company's).
 */
const convertedPerson = (person: Person, company: Company | null) => {
  const { addressInherited: _, ...answer } = toPersonResponse(person, { mainContactId: company?.mainContactId });
  return answer;
};

/** The concurrent changes worth planning again: a conflicting transaction, a record that changed. */
const worthAnotherPlan = new WeakSet<Error>();
const isConcurrentChange = (error: unknown): boolean => error instanceof Error && worthAnotherPlan.has(error);

export const convertInboxEntryRequest =
  (deps: ConvertDeps) =>
  async (request: HttpRequest<z.infer<typeof ConvertBody>, { id: string }, undefined>): Promise<HttpResult> => {
    const store = createStore(deps.doc, deps.tableName);
    // each attempt reads the entry again and plans anew: what changed meanwhile decides the next try
    const converted = await retrying(
      async () => {
        const entry = await deps.inbox.get(request.path.id, { consistent: true });
        if (!entry) throw notFound('inbox entry', request.path.id);
        if (entry.processingStatus === 'converted') throw alreadyConverted(entry);
        const planned = await plan(deps, entry, request.body, request.user?.id ?? null);
        try {
          await store.transact(planned.items);
          return planned;
        } catch (error) {
          if (!(error instanceof TransactionCanceledException)) throw error;
          const after = await deps.inbox.get(request.path.id, { consistent: true });
          if (after?.processingStatus === 'converted') throw alreadyConverted(after);
          const failedCheck = (error.CancellationReasons ?? []).findIndex((r) => r.Code === 'ConditionalCheckFailed');
          const check = planned.items[failedCheck]?.ConditionCheck?.Key;
          const link = check ? planned.links.find((l) => sameKey(l.key, check)) : undefined;
          if (link) throw unprocessable(link.field, `the ${link.noun} was merged or removed meanwhile`);
          const changedMeanwhile = conflict(
            'concurrent-change',
            `inbox entry ${request.path.id} or a record it links changed meanwhile; retry`,
          );
          // only a conflicting transaction or a record that changed is worth planning again (each plan
          // takes a number); any other cancellation is answered at once
          const reasons = error.CancellationReasons ?? [];
          const retryable = reasons.some(
            (r) => r.Code === 'TransactionConflict' || r.Code === 'ConditionalCheckFailed',
          );
          if (retryable) worthAnotherPlan.add(changedMeanwhile);
          throw changedMeanwhile;
        }
      },
      { attempts: maxAttempts, retryable: isConcurrentChange },
    );
    return {
      status: 201,
      headers: { location: `/v1/opportunities/${converted.opportunity.id}` },
      body: {
        opportunity: toOpportunityResponse(converted.opportunity),
        ...(converted.company ? { company: toCompanyResponse(converted.company, converted.person ?? undefined) } : {}),
        ...(converted.person ? { person: convertedPerson(converted.person, converted.company) } : {}),
      },
    };
  };
