/**
 * What the API answers for an opportunity and the board: its own schemas, mapped field by field
 * from the domain record, so the stored shape (money in cents, index keys) never leaks into an answer.
 */
import * as z from 'zod/mini';
import { type BoardStep, type Opportunity, opportunityStatuses } from '../../domain/opportunities/opportunity.ts';
import { pipelineStages } from '../../domain/pipelines/pipeline.ts';
import type { Money } from '../../domain/shared/money.ts';

const nullableString = z.nullable(z.string());

export const MoneyOut = z.lazy(() => z.object({ amount: z.number(), currency: z.string() }));

export const OpportunityOut = z.lazy(() =>
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
    value: z.nullable(MoneyOut),
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
);
export type OpportunityResponse = z.infer<typeof OpportunityOut>;

export const toMoneyResponse = (money: Money): z.infer<typeof MoneyOut> => ({
  amount: money.amount,
  currency: money.currency,
});

export const toOpportunityResponse = (opp: Opportunity): OpportunityResponse => ({
  id: opp.id,
  number: opp.number,
  title: opp.title,
  stage: opp.stage,
  status: opp.status,
  pipelineId: opp.pipelineId,
  stepId: opp.stepId,
  probability: opp.probability,
  probabilityOverridden: opp.probabilityOverridden,
  value: opp.value ? toMoneyResponse(opp.value) : null,
  source: opp.source,
  tags: [...opp.tags],
  priority: opp.priority,
  responsibleUserId: opp.responsibleUserId,
  companyId: opp.companyId,
  personId: opp.personId,
  deliveryDate: opp.deliveryDate,
  dealStartDate: opp.dealStartDate,
  closeDate: opp.closeDate,
  subscriberIds: [...opp.subscriberIds],
  lossReason: opp.lossReason,
  lossComment: opp.lossComment,
  wonAt: opp.wonAt,
  lostAt: opp.lostAt,
  inboxEntryId: opp.inboxEntryId,
  createdAt: opp.createdAt,
  updatedAt: opp.updatedAt,
  version: opp.version,
});

export const OpportunityPageOut = z.lazy(() =>
  z.object({ items: z.array(OpportunityOut), nextCursor: z.nullable(z.string()) }),
);

export const toOpportunityPageResponse = (page: {
  items: readonly Opportunity[];
  nextCursor: string | null;
}): z.infer<typeof OpportunityPageOut> => ({
  items: page.items.map(toOpportunityResponse),
  nextCursor: page.nextCursor,
});

const BoardStepOut = z.object({
  stepId: z.string(),
  name: z.string(),
  probability: z.number(),
  count: z.number(),
  value: MoneyOut,
  weightedValue: MoneyOut,
  otherCurrencyCount: z.number(),
  items: z.array(OpportunityOut),
});

export const toBoardStepResponse = (step: BoardStep): z.infer<typeof BoardStepOut> => ({
  stepId: step.stepId,
  name: step.name,
  probability: step.probability,
  count: step.count,
  value: toMoneyResponse(step.value),
  weightedValue: toMoneyResponse(step.weightedValue),
  otherCurrencyCount: step.otherCurrencyCount,
  items: step.items.map(toOpportunityResponse),
});
