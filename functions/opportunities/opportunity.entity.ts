/**
 * Opportunities in the table: the record (money as integer cents) with its list keys, the lookup item
 * of its number, its subscribers' subscription items, and the sequence its numbers come from.
 */
import * as z from 'zod/mini';
import { type Opportunity, opportunityStatuses } from '../../domain/opportunities/opportunity.ts';
import { pipelineStages } from '../../domain/pipelines/pipeline.ts';
import { fromStoredMoney, toStoredMoney } from '../../domain/shared/money.ts';
import { defineEntity, onIndex, onTable } from '../shared/entity.ts';
import { defineSequence } from '../shared/sequence.entity.ts';

const nullableString = z.nullable(z.string());

/** Sort keys that list newest last and stay unique: `<ISO timestamp>#<id>`. */
const timeOrdered = (at: string, id: string): string => `${at}#${id}`;

const allPartition = 'OPPS';
const byStepPartition = (pipelineId: string, stepId: string): string => `OPP#PIPELINE#${pipelineId}#STEP#${stepId}`;
const byResponsiblePartition = (userId: string): string => `OPP#USER#${userId}`;

/**
 * gsi1 (the board) holds open opportunities only, so a board reads what it shows and nothing that
 * was closed long ago; gsi2 a user's, gsi4 all of them.
 */
export const opportunities = defineEntity({
  name: 'opportunity',
  version: 1,
  schema: z.lazy(() =>
    z.object({
      id: z.string(),
      number: z.string(),
      title: z.string(),
      stage: z.enum(pipelineStages),
      status: z.enum(opportunityStatuses),
      pipelineId: z.string(),
      stepId: z.string(),
      probability: z.number(),
      probabilityOverridden: z.boolean(),
      value: z.nullable(z.object({ cents: z.number(), currency: z.string(), scale: z.optional(z.number()) })),
      source: z.string(),
      tags: z.array(z.string()),
      priority: z.string(),
      responsibleUserId: nullableString,
      companyId: nullableString,
      personId: nullableString,
      deliveryDate: nullableString,
      dealStartDate: nullableString,
      closeDate: nullableString,
      subscriberIds: z.array(z.string()),
      lossReason: nullableString,
      lossComment: nullableString,
      wonAt: nullableString,
      lostAt: nullableString,
      inboxEntryId: nullableString,
      createdAt: z.string(),
      updatedAt: z.string(),
      version: z.number(),
    }),
  ),
  key: (id: string) => ({ pk: `OPP#${id}`, sk: 'OPP' }),
  keyOf: (opp) => [opp.id],
  indexes: (opp) => [
    { index: 'gsi4', pk: allPartition, sk: timeOrdered(opp.createdAt, opp.id) },
    opp.responsibleUserId
      ? { index: 'gsi2', pk: byResponsiblePartition(opp.responsibleUserId), sk: timeOrdered(opp.createdAt, opp.id) }
      : null,
    opp.status === 'open'
      ? { index: 'gsi1', pk: byStepPartition(opp.pipelineId, opp.stepId), sk: timeOrdered(opp.updatedAt, opp.id) }
      : null,
  ],
  patterns: {
    /** every opportunity, by creation */
    all: () => onIndex('gsi4', allPartition),
    /** a user's opportunities, by creation */
    byResponsible: (userId: string) => onIndex('gsi2', byResponsiblePartition(userId)),
    /** the open opportunities on one step of a pipeline (a board column), by last change */
    openOnStep: (pipelineId: string, stepId: string) => onIndex('gsi1', byStepPartition(pipelineId, stepId)),
  },
});

export type OpportunityRecord = z.infer<typeof opportunities.schema>;

/** The stored form of an opportunity: its value as an integer (cents, or mils for a three-decimal currency). */
export const toOpportunityRecord = (opp: Opportunity): OpportunityRecord => ({
  ...opp,
  value: opp.value ? toStoredMoney(opp.value) : null,
});

export const fromOpportunityRecord = (record: OpportunityRecord): Opportunity => ({
  ...record,
  value: record.value ? fromStoredMoney(record.value) : null,
});

/** A user's subscription to an opportunity (the board's "my subscriptions"), written with the opportunity's change. */
export const opportunitySubscriptions = defineEntity({
  name: 'opportunity-subscription',
  version: 1,
  schema: z.lazy(() => z.object({ userId: z.string(), opportunityId: z.string() })),
  key: (userId: string, opportunityId: string) => ({ pk: `SUBS#USER#${userId}`, sk: `OPP#${opportunityId}` }),
  keyOf: (subscription) => [subscription.userId, subscription.opportunityId],
  patterns: {
    /** the opportunities a user subscribes to */
    ofUser: (userId: string) => onTable(`SUBS#USER#${userId}`),
  },
});

/**
 * The lookup item of an opportunity's number (`OPP-42` → 42), written in the opportunity's
 * transaction. It is found by the number, which it does not store (its record is the opportunity's
 * id alone), so its item is built with the key given apart: `opportunityNumberItem`, never `item()`.
 */
export const opportunityNumbers = defineEntity({
  name: 'opportunity-number',
  version: 1,
  schema: z.lazy(() => z.object({ opportunityId: z.string() })),
  key: (number: number) => ({ pk: `OPPNUMBER#${number}`, sk: 'OPPNUMBER' }),
  keyOf: (): [number] => {
    throw new Error('an opportunity-number item is keyed by the number it does not store: use opportunityNumberItem');
  },
});

export const opportunityNumberItem = (number: number, opportunityId: string): Record<string, unknown> =>
  opportunityNumbers.itemAt(opportunityNumbers.key(number), { opportunityId });

/** The sequence opportunity numbers come from (functions/shared/sequence.entity.ts). */
export const opportunitySequence = defineSequence('OPP');
export const opportunityNumberSequence = opportunitySequence.entity;
/** The update that takes the sequence's next value (it tags the item the first time). */
export const nextValue = opportunitySequence.nextValue;
