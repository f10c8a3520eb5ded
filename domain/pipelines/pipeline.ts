/** Pipelines (lead and deal): ordered steps with win probabilities, an activity plan, and the two defaults Kontakt ships. */
import { type FieldError, validationError } from '../shared/errors.ts';

export const pipelineStages = ['lead', 'deal'] as const;
export type PipelineStage = (typeof pipelineStages)[number];

export type PipelineStep = { id: string; name: string; probability: number /* 0..100 */ };

export type PlannedActivity = {
  type: string;
  subject: string;
  /** working days after the plan's start date, ≥ 0 */
  offsetDays: number;
  durationMinutes: number;
  /** 'responsible': the opportunity's responsible user; otherwise a user id */
  assignee: 'responsible' | string;
  /** 'HH:MM' Europe/Berlin; '09:00' when absent */
  time?: string;
};

export type Pipeline = {
  id: string;
  name: string;
  stage: PipelineStage;
  steps: PipelineStep[];
  activityPlan: PlannedActivity[];
  createdAt: string;
  updatedAt: string;
  version: number;
};

export const defaultLeadPipelineId = 'default-lead';
export const defaultDealPipelineId = 'default-deal';
export const defaultPlanTime = '09:00';

/** The bounds a pipeline keeps; the HTTP schemas use the same numbers. */
export const pipelineLimits = {
  minSteps: 1,
  maxSteps: 30,
  maxPlanItems: 50,
  maxOffsetDays: 365,
  minDurationMinutes: 5,
  maxDurationMinutes: 1440,
} as const;

/** Step ids end up in index keys and URLs: short lower-case codes. */
export const stepIdPattern = /^[a-z0-9][a-z0-9_-]{0,49}$/;
/** The built-in activity types match too: call, email, meeting, task. */
export const activityTypePattern = /^[a-z][a-z0-9_]{1,29}$/;
export const planTimePattern = /^([01]\d|2[0-3]):[0-5]\d$/;

const isWholeIn = (value: number, min: number, max: number): boolean =>
  Number.isInteger(value) && value >= min && value <= max;

export type PipelineFields = Pick<Pipeline, 'name' | 'stage' | 'steps' | 'activityPlan'>;

/** Every rule a pipeline must keep, each broken one named by its field (`steps.2.probability`); 400 otherwise. */
export const checkPipeline = (pipeline: PipelineFields): void => {
  const errors: FieldError[] = [];
  const { steps, activityPlan: plan } = pipeline;
  if (pipeline.name.trim() === '') errors.push({ field: 'name', message: 'must not be empty' });
  if (steps.length < pipelineLimits.minSteps || steps.length > pipelineLimits.maxSteps) {
    errors.push({ field: 'steps', message: `give ${pipelineLimits.minSteps} to ${pipelineLimits.maxSteps} steps` });
  }
  const seen = new Set<string>();
  steps.forEach((step, i) => {
    if (!stepIdPattern.test(step.id)) {
      errors.push({ field: `steps.${i}.id`, message: 'use a short lower-case code such as angebot' });
    } else if (seen.has(step.id)) {
      errors.push({ field: `steps.${i}.id`, message: `step id ${step.id} is used twice` });
    }
    seen.add(step.id);
    if (step.name.trim() === '') errors.push({ field: `steps.${i}.name`, message: 'must not be empty' });
    if (!isWholeIn(step.probability, 0, 100)) {
      errors.push({ field: `steps.${i}.probability`, message: 'must be a whole number from 0 to 100' });
    }
  });
  if (plan.length > pipelineLimits.maxPlanItems) {
    errors.push({ field: 'activityPlan', message: `at most ${pipelineLimits.maxPlanItems} activities` });
  }
  plan.forEach((planned, i) => {
    const at = `activityPlan.${i}`;
    if (!activityTypePattern.test(planned.type)) {
      errors.push({ field: `${at}.type`, message: 'use call, email, meeting, task or a custom code such as demo' });
    }
    if (planned.subject.trim() === '') errors.push({ field: `${at}.subject`, message: 'must not be empty' });
    if (!isWholeIn(planned.offsetDays, 0, pipelineLimits.maxOffsetDays)) {
      errors.push({
        field: `${at}.offsetDays`,
        message: `must be a whole number of working days from 0 to ${pipelineLimits.maxOffsetDays}`,
      });
    }
    if (!isWholeIn(planned.durationMinutes, pipelineLimits.minDurationMinutes, pipelineLimits.maxDurationMinutes)) {
      errors.push({
        field: `${at}.durationMinutes`,
        message: `must be a whole number of minutes from ${pipelineLimits.minDurationMinutes} to ${pipelineLimits.maxDurationMinutes}`,
      });
    }
    if (planned.assignee.trim() === '') errors.push({ field: `${at}.assignee`, message: 'must not be empty' });
    if (planned.time !== undefined && !planTimePattern.test(planned.time)) {
      errors.push({ field: `${at}.time`, message: 'use HH:MM (Europe/Berlin)' });
    }
  });
  if (errors.length > 0) throw validationError(errors);
};

export const createPipeline = (id: string, fields: PipelineFields, now: Date): Pipeline => {
  checkPipeline(fields);
  const at = now.toISOString();
  return { id, ...fields, createdAt: at, updatedAt: at, version: 1 };
};

export type PipelinePatch = { name?: string; steps?: PipelineStep[]; activityPlan?: PlannedActivity[] };

/** Steps and plan are replaced whole: their order is their meaning. */
export const patchPipeline = (pipeline: Pipeline, patch: PipelinePatch, now: Date): Pipeline => {
  const next: Pipeline = {
    ...pipeline,
    ...(patch.name === undefined ? {} : { name: patch.name }),
    ...(patch.steps === undefined ? {} : { steps: patch.steps }),
    ...(patch.activityPlan === undefined ? {} : { activityPlan: patch.activityPlan }),
    updatedAt: now.toISOString(),
    version: pipeline.version + 1,
  };
  checkPipeline(next);
  return next;
};

/** Steps a change drops: opportunities standing on them would be left on a step that no longer exists. */
export const removedStepIds = (before: Pipeline, after: Pipeline): string[] =>
  before.steps.filter((step) => !after.steps.some((other) => other.id === step.id)).map((step) => step.id);

/** The user ids a plan names as assignees (other than the opportunity's responsible user). */
export const planAssignees = (plan: readonly PlannedActivity[]): { index: number; userId: string }[] =>
  plan.flatMap((planned, index) => (planned.assignee === 'responsible' ? [] : [{ index, userId: planned.assignee }]));

export const findStep = (pipeline: Pipeline, stepId: string): PipelineStep | undefined =>
  pipeline.steps.find((step) => step.id === stepId);

/** The defaults exist before any admin stores one; stored changes replace them under the same id. */
const defaultsCreatedAt = '2024-01-01T00:00:00.000Z';

/** A lead is contacted the day it arrives, followed up by email, called again and then qualified or let go. */
export const defaultLeadPipeline: Pipeline = {
  id: defaultLeadPipelineId,
  name: 'Lead-Qualifizierung',
  stage: 'lead',
  steps: [
    { id: 'neu', name: 'Neu', probability: 10 },
    { id: 'kontaktiert', name: 'Kontaktiert', probability: 20 },
    { id: 'qualifiziert', name: 'Qualifiziert', probability: 40 },
  ],
  activityPlan: [
    {
      type: 'call',
      subject: 'Erstanruf: Anliegen, Bedarf und Ansprechpartner klären',
      offsetDays: 0,
      durationMinutes: 15,
      assignee: 'responsible',
    },
    {
      type: 'email',
      subject: 'Nachfass-E-Mail mit Unterlagen und Terminvorschlag',
      offsetDays: 2,
      durationMinutes: 15,
      assignee: 'responsible',
    },
    {
      type: 'call',
      subject: 'Nachfassanruf: Interesse, Budget und Zeitrahmen qualifizieren',
      offsetDays: 5,
      durationMinutes: 20,
      assignee: 'responsible',
    },
    {
      type: 'task',
      subject: 'Lead qualifizieren: in einen Deal umwandeln oder als verloren schließen',
      offsetDays: 10,
      durationMinutes: 10,
      assignee: 'responsible',
      time: '16:00',
    },
  ],
  createdAt: defaultsCreatedAt,
  updatedAt: defaultsCreatedAt,
  version: 1,
};

/** From the needs analysis over offer and negotiation to the signed order and the hand-over. */
export const defaultDealPipeline: Pipeline = {
  id: defaultDealPipelineId,
  name: 'Vertrieb',
  stage: 'deal',
  steps: [
    { id: 'bedarfsanalyse', name: 'Bedarfsanalyse', probability: 20 },
    { id: 'angebot', name: 'Angebot', probability: 40 },
    { id: 'verhandlung', name: 'Verhandlung', probability: 70 },
    { id: 'abschluss', name: 'Abschluss', probability: 90 },
  ],
  activityPlan: [
    {
      type: 'call',
      subject: 'Termin für die Bedarfsanalyse vereinbaren',
      offsetDays: 0,
      durationMinutes: 15,
      assignee: 'responsible',
    },
    {
      type: 'meeting',
      subject: 'Bedarfsanalyse beim Kunden',
      offsetDays: 3,
      durationMinutes: 90,
      assignee: 'responsible',
      time: '10:00',
    },
    {
      type: 'task',
      subject: 'Angebot erstellen und intern abstimmen',
      offsetDays: 5,
      durationMinutes: 120,
      assignee: 'responsible',
    },
    { type: 'email', subject: 'Angebot versenden', offsetDays: 6, durationMinutes: 15, assignee: 'responsible' },
    {
      type: 'call',
      subject: 'Nachfassen: Fragen zum Angebot klären',
      offsetDays: 9,
      durationMinutes: 20,
      assignee: 'responsible',
      time: '11:00',
    },
    {
      type: 'meeting',
      subject: 'Verhandlungsgespräch: Preise, Konditionen und Liefertermin',
      offsetDays: 12,
      durationMinutes: 60,
      assignee: 'responsible',
      time: '14:00',
    },
    {
      type: 'task',
      subject: 'Angebot nach der Verhandlung überarbeiten',
      offsetDays: 13,
      durationMinutes: 60,
      assignee: 'responsible',
    },
    {
      type: 'call',
      subject: 'Entscheidung abfragen',
      offsetDays: 16,
      durationMinutes: 15,
      assignee: 'responsible',
      time: '10:00',
    },
    {
      type: 'email',
      subject: 'Auftragsbestätigung und Vertrag zusenden',
      offsetDays: 18,
      durationMinutes: 20,
      assignee: 'responsible',
    },
    {
      type: 'meeting',
      subject: 'Kick-off: Übergabe an Projekt- und Serviceteam',
      offsetDays: 23,
      durationMinutes: 60,
      assignee: 'responsible',
      time: '10:00',
    },
  ],
  createdAt: defaultsCreatedAt,
  updatedAt: defaultsCreatedAt,
  version: 1,
};

export const defaultPipelines: readonly Pipeline[] = [defaultLeadPipeline, defaultDealPipeline];

export const isDefaultPipelineId = (id: string): boolean => defaultPipelines.some((p) => p.id === id);

export const defaultPipelineFor = (stage: PipelineStage): Pipeline =>
  stage === 'lead' ? defaultLeadPipeline : defaultDealPipeline;
