import { describe, expect, it } from 'vitest';
import {
  checkPipeline,
  createPipeline,
  defaultDealPipeline,
  defaultLeadPipeline,
  defaultPipelineFor,
  type PipelineFields,
  type PlannedActivity,
  patchPipeline,
  planAssignees,
  removedStepIds,
} from '../../../domain/pipelines/pipeline.ts';
import { KontaktError } from '../../../domain/shared/errors.ts';

const t0 = new Date('2026-03-02T08:00:00.000Z');
const t1 = new Date('2026-03-03T08:00:00.000Z');

const call = (offsetDays: number, extra: Partial<PlannedActivity> = {}): PlannedActivity => ({
  type: 'call',
  subject: 'Nachfassen',
  offsetDays,
  durationMinutes: 15,
  assignee: 'responsible',
  ...extra,
});

const fields = (overrides: Partial<PipelineFields> = {}): PipelineFields => ({
  name: 'Projektgeschäft',
  stage: 'deal',
  steps: [
    { id: 'analyse', name: 'Analyse', probability: 25 },
    { id: 'angebot', name: 'Angebot', probability: 50 },
  ],
  activityPlan: [call(0)],
  ...overrides,
});

/** The fields a pipeline's 400 names. */
const badFields = (build: () => unknown): string[] => {
  try {
    build();
  } catch (error) {
    if (error instanceof KontaktError && error.code === 'validation-failed')
      return (error.errors ?? []).map((e) => e.field);
    throw error;
  }
  throw new Error('expected a 400');
};

describe('the default pipelines', () => {
  it('ship a lead pipeline and a deal pipeline, each with ordered steps of rising probability and a plan', () => {
    for (const pipeline of [defaultLeadPipeline, defaultDealPipeline]) {
      const probabilities = pipeline.steps.map((s) => s.probability);

      expect(() => checkPipeline(pipeline)).not.toThrow();
      expect(probabilities).toEqual([...probabilities].sort((a, b) => a - b));
      expect(pipeline.activityPlan.length).toBeGreaterThan(2);
    }
    expect(defaultLeadPipeline).toMatchObject({ id: 'default-lead', stage: 'lead', version: 1 });
    expect(defaultLeadPipeline.steps.map((s) => [s.name, s.probability])).toEqual([
      ['Neu', 10],
      ['Kontaktiert', 20],
      ['Qualifiziert', 40],
    ]);
    expect(defaultDealPipeline).toMatchObject({ id: 'default-deal', stage: 'deal' });
    expect(defaultDealPipeline.steps.map((s) => [s.name, s.probability])).toEqual([
      ['Bedarfsanalyse', 20],
      ['Angebot', 40],
      ['Verhandlung', 70],
      ['Abschluss', 90],
    ]);
  });

  it('plan the deal pipeline as about ten activities in chronological order, meetings and calls among them', () => {
    const plan = defaultDealPipeline.activityPlan;
    const offsets = plan.map((a) => a.offsetDays);

    expect(plan.length).toBeGreaterThanOrEqual(8);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    expect(new Set(plan.map((a) => a.type))).toEqual(new Set(['call', 'meeting', 'task', 'email']));
    expect(defaultLeadPipeline.activityPlan.slice(0, 3).map((a) => [a.type, a.offsetDays])).toEqual([
      ['call', 0],
      ['email', 2],
      ['call', 5],
    ]);
  });

  it('are found by stage', () => {
    expect(defaultPipelineFor('lead').id).toBe('default-lead');
    expect(defaultPipelineFor('deal').id).toBe('default-deal');
  });
});

describe('the rules of a pipeline', () => {
  it('creates a valid pipeline at version 1', () => {
    const pipeline = createPipeline('p1', fields(), t0);

    expect(pipeline).toMatchObject({ id: 'p1', version: 1, createdAt: t0.toISOString(), updatedAt: t0.toISOString() });
  });

  it('needs 1 to 30 steps', () => {
    const many = Array.from({ length: 31 }, (_, i) => ({ id: `s${i}`, name: `Schritt ${i}`, probability: 50 }));

    expect(badFields(() => createPipeline('p', fields({ steps: [] }), t0))).toEqual(['steps']);
    expect(badFields(() => createPipeline('p', fields({ steps: many }), t0))).toEqual(['steps']);
    expect(() => createPipeline('p', fields({ steps: many.slice(0, 30) }), t0)).not.toThrow();
  });

  it('refuses a step id used twice and names the second', () => {
    const steps = [
      { id: 'angebot', name: 'Angebot', probability: 40 },
      { id: 'angebot', name: 'Angebot 2', probability: 60 },
    ];

    expect(badFields(() => createPipeline('p', fields({ steps }), t0))).toEqual(['steps.1.id']);
  });

  it('takes whole probabilities from 0 to 100 only', () => {
    const steps = (probability: number) => [{ id: 'a', name: 'A', probability }];

    expect(badFields(() => createPipeline('p', fields({ steps: steps(101) }), t0))).toEqual(['steps.0.probability']);
    expect(badFields(() => createPipeline('p', fields({ steps: steps(-1) }), t0))).toEqual(['steps.0.probability']);
    expect(badFields(() => createPipeline('p', fields({ steps: steps(12.5) }), t0))).toEqual(['steps.0.probability']);
    expect(() => createPipeline('p', fields({ steps: steps(0) }), t0)).not.toThrow();
    expect(() => createPipeline('p', fields({ steps: steps(100) }), t0)).not.toThrow();
  });

  it('keeps a plan to 50 activities with offsets of 0–365 working days, 5–1440 minutes and HH:MM times', () => {
    const plan = [
      call(-1),
      call(366),
      call(1.5),
      call(0, { durationMinutes: 4 }),
      call(0, { durationMinutes: 1441 }),
      call(0, { time: '9:00' }),
      call(0, { time: '24:00' }),
      call(0, { type: 'Anruf!' }),
      call(365, { durationMinutes: 1440, time: '23:59', type: 'demo_termin' }),
    ];

    expect(badFields(() => createPipeline('p', fields({ activityPlan: plan }), t0))).toEqual([
      'activityPlan.0.offsetDays',
      'activityPlan.1.offsetDays',
      'activityPlan.2.offsetDays',
      'activityPlan.3.durationMinutes',
      'activityPlan.4.durationMinutes',
      'activityPlan.5.time',
      'activityPlan.6.time',
      'activityPlan.7.type',
    ]);
    expect(
      badFields(() => createPipeline('p', fields({ activityPlan: Array.from({ length: 51 }, () => call(1)) }), t0)),
    ).toEqual(['activityPlan']);
    expect(() => createPipeline('p', fields({ activityPlan: [] }), t0)).not.toThrow();
  });
});

describe('changing a pipeline', () => {
  it('replaces steps and plan whole, keeps the rest and counts the version up', () => {
    const pipeline = createPipeline('p1', fields(), t0);

    const next = patchPipeline(
      pipeline,
      { steps: [{ id: 'angebot', name: 'Angebot', probability: 60 }], activityPlan: [] },
      t1,
    );

    expect(next).toMatchObject({
      name: 'Projektgeschäft',
      stage: 'deal',
      steps: [{ id: 'angebot', name: 'Angebot', probability: 60 }],
      activityPlan: [],
      version: 2,
      updatedAt: t1.toISOString(),
      createdAt: t0.toISOString(),
    });
    expect(removedStepIds(pipeline, next)).toEqual(['analyse']);
  });

  it('applies the same rules to the result', () => {
    const pipeline = createPipeline('p1', fields(), t0);

    expect(badFields(() => patchPipeline(pipeline, { steps: [] }, t1))).toEqual(['steps']);
  });

  it('lists the users a plan assigns by name, not the responsible placeholder', () => {
    expect(planAssignees([call(0), call(1, { assignee: 'u-anna' })])).toEqual([{ index: 1, userId: 'u-anna' }]);
  });
});
