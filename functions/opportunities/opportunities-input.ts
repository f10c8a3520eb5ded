/** What opportunity requests must look like: creation, list filters and the board, merge patches and actions. */
import * as z from 'zod/mini';
import { maxSubscribers, opportunityStatuses } from '../../domain/opportunities/opportunity.ts';
import { pipelineStages } from '../../domain/pipelines/pipeline.ts';
import { CalendarDate, MoneyInput } from '../inbox/contact-input.ts';
import { LimitParam } from '../shared/cursor.ts';

const text = (max: number) => z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(max));
const listValue = z.string().check(z.minLength(1), z.maxLength(50));
const userId = z.string().check(z.minLength(1), z.maxLength(128));
const recordId = z.string().check(z.minLength(1), z.maxLength(64));
const probability = z.number().check(z.int('must be a whole percentage'), z.minimum(0), z.maximum(100));
const nullable = <S extends z.ZodMiniType>(schema: S) => z.optional(z.nullable(schema));
const Tags = z.array(listValue).check(z.maxLength(20, 'give at most 20 tags'));
const currency = z.string().check(z.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR'));

export const NewOpportunityBody = z.lazy(() =>
  z.strictObject({
    title: text(300),
    /** 'lead' unless given */
    stage: z.optional(z.enum(pipelineStages)),
    /** the stage's default pipeline unless given */
    pipelineId: z.optional(recordId),
    value: nullable(MoneyInput),
    /** the step's probability unless given */
    probability: z.optional(probability),
    /** cold_acquisition unless given */
    source: z.optional(listValue),
    /** normal unless given */
    priority: z.optional(listValue),
    /** the caller unless given; null for nobody */
    responsibleUserId: nullable(userId),
    companyId: nullable(recordId),
    personId: nullable(recordId),
    tags: z.optional(Tags),
    deliveryDate: nullable(CalendarDate),
    dealStartDate: nullable(CalendarDate),
    closeDate: nullable(CalendarDate),
  }),
);

export const OpportunityPatchBody = z.lazy(() =>
  z.strictObject({
    version: z.number().check(z.int()),
    title: z.optional(text(300)),
    value: nullable(MoneyInput),
    /** a number sets the opportunity's own probability; null returns to the step's */
    probability: nullable(probability),
    /** false returns to the step's probability */
    probabilityOverridden: z.optional(z.boolean()),
    priority: z.optional(listValue),
    tags: z.optional(Tags),
    responsibleUserId: nullable(userId),
    companyId: nullable(recordId),
    personId: nullable(recordId),
    deliveryDate: nullable(CalendarDate),
    dealStartDate: nullable(CalendarDate),
    closeDate: nullable(CalendarDate),
    subscriberIds: z.optional(
      z.array(userId).check(z.maxLength(maxSubscribers, `give at most ${maxSubscribers} subscribers`)),
    ),
    /** another pipeline of the same stage: the opportunity starts on its first step unless stepId names one */
    pipelineId: z.optional(recordId),
    stepId: z.optional(recordId),
  }),
);

/** `{id}` is the id or the number (`OPP-12`, any case). */
export const OpportunityIdPath = z.lazy(() => z.object({ id: z.string().check(z.minLength(1), z.maxLength(64)) }));

export const DealBody = z.optional(z.strictObject({ pipelineId: z.optional(recordId) }));

export const StepBody = z.lazy(() => z.strictObject({ stepId: recordId }));

/** The body may be missing altogether: the answer then still names lossReason. */
export const LostBody = z.optional(
  z.strictObject({
    lossReason: z.string().check(z.trim(), z.minLength(1, 'give the loss reason'), z.maxLength(50)),
    comment: z.optional(z.string().check(z.trim(), z.maxLength(2000))),
  }),
);

export const ActivityPlanBody = z.lazy(() =>
  z.strictObject({
    /** YYYY-MM-DD: the plan's offsets count working days from here */
    startDate: CalendarDate,
    /** whose plan to apply; the opportunity's own pipeline unless given */
    pipelineId: z.optional(recordId),
  }),
);

export const OpportunityListQuery = z.lazy(() =>
  z.strictObject({
    limit: LimitParam,
    cursor: z.optional(z.string()),
    /** 'board': the open opportunities of pipelineId grouped by step, with value and weighted value per step */
    view: z.optional(z.enum(['list', 'board'])),
    stage: z.optional(z.enum(pipelineStages)),
    status: z.optional(z.enum(opportunityStatuses)),
    pipelineId: z.optional(recordId),
    stepId: z.optional(recordId),
    responsibleUserId: z.optional(userId),
    tag: z.optional(listValue),
    companyId: z.optional(recordId),
    /** the board's currency (EUR unless given); values in others are counted, not summed */
    currency: z.optional(currency),
  }),
);
