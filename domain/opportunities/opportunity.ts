/** The opportunity (lead or deal): its number, pipeline step and probability, and the rules of closing it won or lost. */
import { findStep, type Pipeline, type PipelineStage, type PipelineStep } from '../pipelines/pipeline.ts';
import { conflict, unprocessable, validationError } from '../shared/errors.ts';
import { fromStorageUnits, type Money, toStorageUnits } from '../shared/money.ts';
import { once } from '../shared/once.ts';
import { recordNumbers } from '../shared/record-number.ts';

export const opportunityStatuses = ['open', 'won', 'lost'] as const;
export type OpportunityStatus = (typeof opportunityStatuses)[number];

export type Opportunity = {
  id: string;
  /** 'OPP-12': sequential, never reused */
  number: string;
  title: string;
  stage: PipelineStage;
  status: OpportunityStatus;
  pipelineId: string;
  stepId: string;
  probability: number;
  probabilityOverridden: boolean;
  value: Money | null;
  source: string;
  tags: string[];
  priority: string;
  responsibleUserId: string | null;
  companyId: string | null;
  personId: string | null;
  deliveryDate: string | null;
  dealStartDate: string | null;
  closeDate: string | null;
  subscriberIds: string[];
  lossReason: string | null;
  lossComment: string | null;
  wonAt: string | null;
  lostAt: string | null;
  inboxEntryId: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
};

export type NewOpportunity = {
  title: string;
  stage: PipelineStage;
  pipeline: Pipeline;
  value: Money | null;
  source: string;
  priority: string;
  responsibleUserId: string | null;
  companyId: string | null;
  personId: string | null;
  tags?: string[];
  inboxEntryId?: string | null;
  deliveryDate?: string | null;
  dealStartDate?: string | null;
  closeDate?: string | null;
};

// Numbers ------------------------------------------------------------------------------------------
const opportunityNumbers = recordNumbers('OPP');

export const formatOpportunityNumber = opportunityNumbers.format;

/** 'OPP-12' or 'opp-12' → 12; anything else (an id, 'OPP-0', 'OPP-012') → null. */
export const parseOpportunityNumber = opportunityNumbers.parse;

// Dates --------------------------------------------------------------------------------------------
const berlinDay = once(
  () =>
    new Intl.DateTimeFormat('en-US', {
      timeZone: 'Europe/Berlin',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }),
);

/** Today's date where Kontakt's users work: a deal won at 00:30 in Berlin closes that day, not the day before. */
export const berlinDate = (now: Date): string => {
  const parts = Object.fromEntries(
    berlinDay()
      .formatToParts(now)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}`;
};

// Creation -----------------------------------------------------------------------------------------
const firstStep = (pipeline: Pipeline): PipelineStep => {
  const step = pipeline.steps[0];
  // checkPipeline keeps at least one step in every pipeline
  if (!step) throw new Error(`pipeline ${pipeline.id} has no steps`);
  return step;
};

const requireStageOf = (pipeline: Pipeline, stage: PipelineStage): void => {
  if (pipeline.stage !== stage) {
    throw unprocessable('pipelineId', `${pipeline.id} is a ${pipeline.stage} pipeline, not one for ${stage}s`);
  }
};

/** A new open opportunity on the first step of its pipeline, with that step's probability. */
export const createOpportunity = (id: string, number: number, input: NewOpportunity, now: Date): Opportunity => {
  requireStageOf(input.pipeline, input.stage);
  const step = firstStep(input.pipeline);
  const at = now.toISOString();
  return {
    id,
    number: formatOpportunityNumber(number),
    title: input.title,
    stage: input.stage,
    status: 'open',
    pipelineId: input.pipeline.id,
    stepId: step.id,
    probability: step.probability,
    probabilityOverridden: false,
    value: input.value,
    source: input.source,
    tags: [...new Set(input.tags ?? [])],
    priority: input.priority,
    responsibleUserId: input.responsibleUserId,
    companyId: input.companyId,
    personId: input.personId,
    deliveryDate: input.deliveryDate ?? null,
    dealStartDate: input.dealStartDate ?? (input.stage === 'deal' ? berlinDate(now) : null),
    closeDate: input.closeDate ?? null,
    subscriberIds: [],
    lossReason: null,
    lossComment: null,
    wonAt: null,
    lostAt: null,
    inboxEntryId: input.inboxEntryId ?? null,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
};

// Closed opportunities -----------------------------------------------------------------------------
/** What won and lost freeze (PRODUCT.md rule 6); tags and subscribers stay editable. */
export const frozenFields = [
  'title',
  'value',
  'probability',
  'probabilityOverridden',
  'pipelineId',
  'stepId',
  'stage',
  'deliveryDate',
  'dealStartDate',
  'closeDate',
  'companyId',
  'personId',
] as const satisfies readonly (keyof Opportunity)[];

export const isClosed = (opp: Opportunity): boolean => opp.status !== 'open';

const closedError = (opp: Opportunity, detail: string, fields?: readonly string[]) =>
  conflict('opportunity-closed', `${opp.number} is ${opp.status}: ${detail}`, {
    // not `status`: that member of a problem is the HTTP status (RFC 9457)
    opportunityStatus: opp.status,
    ...(fields ? { fields } : {}),
  });

const requireOpen = (opp: Opportunity, action: string): void => {
  if (isClosed(opp)) throw closedError(opp, `it cannot ${action}`);
};

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The frozen fields a change would alter. */
export const changedFrozenFields = (before: Opportunity, after: Opportunity): string[] =>
  frozenFields.filter((field) => !same(before[field], after[field]));

const touched = (opp: Opportunity, now: Date): Pick<Opportunity, 'updatedAt' | 'version'> => ({
  updatedAt: now.toISOString(),
  version: opp.version + 1,
});

// Pipeline steps -----------------------------------------------------------------------------------
/** The probability follows the step unless a user set the opportunity's own. */
const onStep = (opp: Opportunity, pipeline: Pipeline, step: PipelineStep): Opportunity => ({
  ...opp,
  pipelineId: pipeline.id,
  stepId: step.id,
  probability: opp.probabilityOverridden ? opp.probability : step.probability,
});

/** Moves to a step of the opportunity's own pipeline; the same step again changes nothing. */
export const moveToStep = (opp: Opportunity, pipeline: Pipeline, stepId: string, now: Date): Opportunity => {
  requireOpen(opp, 'move to another step');
  if (pipeline.id !== opp.pipelineId) {
    throw unprocessable('stepId', `${opp.number} is on pipeline ${opp.pipelineId}, not ${pipeline.id}`);
  }
  const step = findStep(pipeline, stepId);
  if (!step) {
    throw unprocessable(
      'stepId',
      `pipeline ${pipeline.id} has no step ${stepId}; its steps: ${pipeline.steps.map((s) => s.id).join(', ')}`,
    );
  }
  if (step.id === opp.stepId) return opp;
  return { ...onStep(opp, pipeline, step), ...touched(opp, now) };
};

/** Lead → deal: onto the first step of the deal pipeline; the deal starts today unless a start was set. */
export const toDeal = (opp: Opportunity, dealPipeline: Pipeline, now: Date): Opportunity => {
  requireOpen(opp, 'become a deal');
  if (opp.stage === 'deal') throw conflict('already-deal', `${opp.number} is a deal already`);
  requireStageOf(dealPipeline, 'deal');
  return {
    ...onStep(opp, dealPipeline, firstStep(dealPipeline)),
    stage: 'deal',
    dealStartDate: opp.dealStartDate ?? berlinDate(now),
    ...touched(opp, now),
  };
};

// Changes ------------------------------------------------------------------------------------------
export type OpportunityPatch = {
  title?: string;
  value?: Money | null;
  /** a number overrides the step's probability; null returns to it */
  probability?: number | null;
  /** false returns to the step's probability */
  probabilityOverridden?: boolean;
  priority?: string;
  tags?: string[];
  responsibleUserId?: string | null;
  companyId?: string | null;
  personId?: string | null;
  deliveryDate?: string | null;
  dealStartDate?: string | null;
  closeDate?: string | null;
  subscriberIds?: string[];
  /** another pipeline of the same stage; the first step unless `stepId` names one */
  pipelineId?: string;
  stepId?: string;
};

/**
 * Applies a merge patch. `pipeline` is the pipeline the opportunity stands in afterwards (its own,
 * or the one `pipelineId` names). A closed opportunity keeps its frozen fields: changing one is 409.
 */
export const patchOpportunity = (
  opp: Opportunity,
  patch: OpportunityPatch,
  pipeline: Pipeline,
  now: Date,
): Opportunity => {
  if (patch.probabilityOverridden === false && typeof patch.probability === 'number') {
    throw validationError([
      { field: 'probabilityOverridden', message: 'cannot be false while probability sets an own value' },
    ]);
  }
  const pipelineId = patch.pipelineId ?? opp.pipelineId;
  if (pipeline.id !== pipelineId) throw new Error(`patch given pipeline ${pipeline.id}, expected ${pipelineId}`);
  requireStageOf(pipeline, opp.stage);
  const stepId = patch.stepId ?? (pipelineId === opp.pipelineId ? opp.stepId : firstStep(pipeline).id);
  const stepChanged = stepId !== opp.stepId || pipelineId !== opp.pipelineId;
  const returnsToStep = patch.probability === null || patch.probabilityOverridden === false;
  // a closed opportunity's step may since have left its pipeline; it is only looked up when needed
  const step = stepChanged || returnsToStep ? findStep(pipeline, stepId) : undefined;
  if ((stepChanged || returnsToStep) && !step) {
    throw unprocessable('stepId', `pipeline ${pipeline.id} has no step ${stepId}`);
  }

  const next: Opportunity = { ...opp, pipelineId, stepId };
  if (patch.title !== undefined) next.title = patch.title;
  if (patch.value !== undefined) next.value = patch.value;
  if (patch.priority !== undefined) next.priority = patch.priority;
  if (patch.tags !== undefined) next.tags = [...new Set(patch.tags)];
  if (patch.subscriberIds !== undefined) next.subscriberIds = [...new Set(patch.subscriberIds)];
  if (patch.responsibleUserId !== undefined) next.responsibleUserId = patch.responsibleUserId;
  if (patch.companyId !== undefined) next.companyId = patch.companyId;
  if (patch.personId !== undefined) next.personId = patch.personId;
  if (patch.deliveryDate !== undefined) next.deliveryDate = patch.deliveryDate;
  if (patch.dealStartDate !== undefined) next.dealStartDate = patch.dealStartDate;
  if (patch.closeDate !== undefined) next.closeDate = patch.closeDate;

  if (typeof patch.probability === 'number') {
    next.probability = patch.probability;
    next.probabilityOverridden = true;
  } else if (returnsToStep && step) {
    next.probability = step.probability;
    next.probabilityOverridden = false;
  } else if (patch.probabilityOverridden === true) {
    next.probabilityOverridden = true;
  } else if (stepChanged && step && !opp.probabilityOverridden) {
    next.probability = step.probability;
  }

  if (isClosed(opp)) {
    const frozen = changedFrozenFields(opp, next);
    if (frozen.length > 0) throw closedError(opp, `${frozen.join(', ')} cannot change any more`, frozen);
  }
  return { ...next, ...touched(opp, now) };
};

/**
 * Subscribers per opportunity: each has a subscription item written in the opportunity's own
 * transaction, and replacing all of them must fit DynamoDB's 100 items.
 */
export const maxSubscribers = 40;

/** Subscribing twice, or unsubscribing someone who is not subscribed, changes nothing. */
export const subscribe = (opp: Opportunity, userId: string, now: Date): Opportunity => {
  if (opp.subscriberIds.includes(userId)) return opp;
  if (opp.subscriberIds.length >= maxSubscribers) {
    throw unprocessable('subscriberIds', `an opportunity has at most ${maxSubscribers} subscribers`);
  }
  return { ...opp, subscriberIds: [...opp.subscriberIds, userId], ...touched(opp, now) };
};

export const unsubscribe = (opp: Opportunity, userId: string, now: Date): Opportunity =>
  opp.subscriberIds.includes(userId)
    ? { ...opp, subscriberIds: opp.subscriberIds.filter((id) => id !== userId), ...touched(opp, now) }
    : opp;

/** Won: closed today unless a close date was set. The use case makes the company a customer in the same write. */
export const markWon = (opp: Opportunity, now: Date): Opportunity => {
  requireOpen(opp, 'be won');
  return {
    ...opp,
    status: 'won',
    wonAt: now.toISOString(),
    closeDate: opp.closeDate ?? berlinDate(now),
    ...touched(opp, now),
  };
};

export type LossInput = { lossReason?: string | null | undefined; comment?: string | null | undefined };

/** Lost: a reason from the loss-reasons list is mandatory (400 when missing, 422 when not on the list). */
export const markLost = (
  opp: Opportunity,
  input: LossInput,
  lossReasons: readonly string[],
  now: Date,
): Opportunity => {
  const reason = input.lossReason?.trim() ?? '';
  if (reason === '') {
    throw validationError([{ field: 'lossReason', message: `give the reason, one of ${lossReasons.join(', ')}` }]);
  }
  if (!lossReasons.includes(reason)) {
    throw unprocessable('lossReason', `"${reason}" is not one of ${lossReasons.join(', ')}`);
  }
  requireOpen(opp, 'be lost');
  const comment = input.comment?.trim() ?? '';
  return {
    ...opp,
    status: 'lost',
    lossReason: reason,
    lossComment: comment === '' ? null : comment,
    lostAt: now.toISOString(),
    closeDate: opp.closeDate ?? berlinDate(now),
    ...touched(opp, now),
  };
};

/** Only an open opportunity gets a plan of activities scheduled. */
export const requireOpenForPlan = (opp: Opportunity): void => requireOpen(opp, 'get an activity plan');

// Value and forecast -------------------------------------------------------------------------------
export const defaultCurrency = 'EUR';

const inCurrency = (opps: readonly Opportunity[], currency: string): Opportunity[] =>
  opps.filter((opp) => opp.value !== null && opp.value.currency === currency);

const units = (opp: Opportunity): number => (opp.value ? toStorageUnits(opp.value) : 0);

/** The sum of the values in one currency (others cannot be added without a rate). */
export const totalValue = (opps: readonly Opportunity[], currency: string = defaultCurrency): Money => ({
  amount: fromStorageUnits(
    inCurrency(opps, currency).reduce((sum, opp) => sum + units(opp), 0),
    currency,
  ),
  currency,
});

/** Σ value × probability: the forecast of what these opportunities will bring, rounded to the currency's minor unit once. */
export const weightedValue = (opps: readonly Opportunity[], currency: string = defaultCurrency): Money => ({
  amount: fromStorageUnits(
    inCurrency(opps, currency).reduce((sum, opp) => sum + units(opp) * opp.probability, 0) / 100,
    currency,
  ),
  currency,
});

export type BoardStep = {
  stepId: string;
  name: string;
  probability: number;
  /** open opportunities on the step */
  count: number;
  value: Money;
  weightedValue: Money;
  /** opportunities whose value is in another currency, counted but not summed */
  otherCurrencyCount: number;
  /** the first of them, last changed first */
  items: Opportunity[];
};

/** One column of the board: the step's open opportunities, their value and weighted value. */
export const boardStep = (
  step: PipelineStep,
  open: readonly Opportunity[],
  options: { currency: string; maxItems: number },
): BoardStep => ({
  stepId: step.id,
  name: step.name,
  probability: step.probability,
  count: open.length,
  value: totalValue(open, options.currency),
  weightedValue: weightedValue(open, options.currency),
  otherCurrencyCount: open.filter((opp) => opp.value !== null && opp.value.currency !== options.currency).length,
  items: open.slice(0, options.maxItems),
});
