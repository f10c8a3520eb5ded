import { describe, expect, it } from 'vitest';
import {
  berlinDate,
  boardStep,
  createOpportunity,
  formatOpportunityNumber,
  markLost,
  markWon,
  moveToStep,
  type NewOpportunity,
  type Opportunity,
  parseOpportunityNumber,
  patchOpportunity,
  requireOpenForPlan,
  subscribe,
  toDeal,
  totalValue,
  unsubscribe,
  weightedValue,
} from '../../../domain/opportunities/opportunity.ts';
import { defaultDealPipeline, defaultLeadPipeline, type Pipeline } from '../../../domain/pipelines/pipeline.ts';
import { defaultLossReasons } from '../../../domain/settings/settings.ts';
import { KontaktError } from '../../../domain/shared/errors.ts';
import { problemStatus } from '../../../functions/shared/problem.ts';

const t0 = new Date('2026-03-02T09:00:00.000Z');
const t1 = new Date('2026-03-05T10:00:00.000Z');
const reasons = [...defaultLossReasons];

const lead = (overrides: Partial<NewOpportunity> = {}): Opportunity =>
  createOpportunity(
    'o1',
    12,
    {
      title: 'Photovoltaik Dach Müller',
      stage: 'lead',
      pipeline: defaultLeadPipeline,
      value: { amount: 18_500, currency: 'EUR' },
      source: 'webform',
      priority: 'normal',
      responsibleUserId: 'u-anna',
      companyId: 'c1',
      personId: 'p1',
      ...overrides,
    },
    t0,
  );

const deal = (): Opportunity => toDeal(lead(), defaultDealPipeline, t0);

/** The error a rule throws, to compare its status, code and named fields. */
const refusal = (act: () => unknown): { status: number; code: string; fields: string[] } => {
  try {
    act();
  } catch (error) {
    if (error instanceof KontaktError) {
      return { status: problemStatus(error), code: error.code, fields: (error.errors ?? []).map((e) => e.field) };
    }
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('opportunity numbers', () => {
  it('are written OPP-n and read back in any case', () => {
    expect(formatOpportunityNumber(42)).toBe('OPP-42');
    expect(parseOpportunityNumber('OPP-42')).toBe(42);
    expect(parseOpportunityNumber('opp-42')).toBe(42);
    expect(parseOpportunityNumber(' Opp-7 ')).toBe(7);
  });

  it('are not confused with ids or malformed numbers', () => {
    expect(parseOpportunityNumber('01JABCDEF0123456789ABCDEFG')).toBeNull();
    expect(parseOpportunityNumber('OPP-0')).toBeNull();
    expect(parseOpportunityNumber('OPP-012')).toBeNull();
    expect(parseOpportunityNumber('OPP-')).toBeNull();
    expect(parseOpportunityNumber('TIC-12')).toBeNull();
  });
});

describe('creating an opportunity', () => {
  it('starts open on the first step of its pipeline with that step’s probability', () => {
    const opp = lead();

    expect(opp).toMatchObject({
      id: 'o1',
      number: 'OPP-12',
      stage: 'lead',
      status: 'open',
      pipelineId: 'default-lead',
      stepId: 'neu',
      probability: 10,
      probabilityOverridden: false,
      subscriberIds: [],
      tags: [],
      lossReason: null,
      wonAt: null,
      dealStartDate: null,
      version: 1,
      createdAt: t0.toISOString(),
    });
  });

  it('refuses a pipeline of the other stage (422 naming pipelineId)', () => {
    expect(refusal(() => lead({ stage: 'deal' }))).toEqual({
      status: 422,
      code: 'unprocessable',
      fields: ['pipelineId'],
    });
  });

  it('starts a deal created as such today (Berlin)', () => {
    const opp = lead({ stage: 'deal', pipeline: defaultDealPipeline });

    expect(opp).toMatchObject({
      stage: 'deal',
      stepId: 'bedarfsanalyse',
      probability: 20,
      dealStartDate: '2026-03-02',
    });
  });
});

describe('lead → deal', () => {
  it('moves onto the first step of the deal pipeline with its probability and starts the deal today', () => {
    const next = toDeal(lead(), defaultDealPipeline, t1);

    expect(next).toMatchObject({
      stage: 'deal',
      pipelineId: 'default-deal',
      stepId: 'bedarfsanalyse',
      probability: 20,
      dealStartDate: '2026-03-05',
      version: 2,
    });
  });

  it('keeps an overridden probability', () => {
    const own = patchOpportunity(lead(), { probability: 35 }, defaultLeadPipeline, t0);

    expect(toDeal(own, defaultDealPipeline, t1)).toMatchObject({ probability: 35, probabilityOverridden: true });
  });

  it('refuses a deal twice, a lead pipeline, and a closed lead', () => {
    expect(refusal(() => toDeal(deal(), defaultDealPipeline, t1))).toMatchObject({ status: 409, code: 'already-deal' });
    expect(refusal(() => toDeal(lead(), defaultLeadPipeline, t1))).toMatchObject({
      status: 422,
      fields: ['pipelineId'],
    });
    expect(refusal(() => toDeal(markWon(lead(), t1), defaultDealPipeline, t1))).toMatchObject({
      status: 409,
      code: 'opportunity-closed',
    });
  });
});

describe('moving through the pipeline', () => {
  it('takes the step’s probability', () => {
    const next = moveToStep(deal(), defaultDealPipeline, 'verhandlung', t1);

    expect(next).toMatchObject({ stepId: 'verhandlung', probability: 70, version: 3, updatedAt: t1.toISOString() });
  });

  it('keeps an overridden probability on every step', () => {
    const own = patchOpportunity(deal(), { probability: 55 }, defaultDealPipeline, t1);

    expect(moveToStep(own, defaultDealPipeline, 'abschluss', t1)).toMatchObject({
      stepId: 'abschluss',
      probability: 55,
    });
  });

  it('refuses a step of another pipeline or an unknown step with 422 naming stepId', () => {
    expect(refusal(() => moveToStep(deal(), defaultDealPipeline, 'kontaktiert', t1))).toMatchObject({
      status: 422,
      fields: ['stepId'],
    });
    expect(refusal(() => moveToStep(deal(), defaultLeadPipeline, 'kontaktiert', t1))).toMatchObject({
      status: 422,
      fields: ['stepId'],
    });
  });

  it('changes nothing when moved to the step it stands on', () => {
    const opp = deal();

    expect(moveToStep(opp, defaultDealPipeline, opp.stepId, t1)).toBe(opp);
  });
});

describe('changing an opportunity', () => {
  it('sets its own probability, and returns to the step’s with probabilityOverridden false or probability null', () => {
    const own = patchOpportunity(lead(), { probability: 65 }, defaultLeadPipeline, t1);
    const back = patchOpportunity(own, { probabilityOverridden: false }, defaultLeadPipeline, t1);
    const backByNull = patchOpportunity(own, { probability: null }, defaultLeadPipeline, t1);

    expect(own).toMatchObject({ probability: 65, probabilityOverridden: true, version: 2 });
    expect(back).toMatchObject({ probability: 10, probabilityOverridden: false, version: 3 });
    expect(backByNull).toMatchObject({ probability: 10, probabilityOverridden: false });
  });

  it('refuses to set a probability and return to the step’s at once', () => {
    expect(
      refusal(() =>
        patchOpportunity(lead(), { probability: 50, probabilityOverridden: false }, defaultLeadPipeline, t1),
      ),
    ).toMatchObject({ status: 400, fields: ['probabilityOverridden'] });
  });

  it('merges fields, clears them with null and keeps each tag and subscriber once', () => {
    const next = patchOpportunity(
      lead(),
      { title: 'PV + Speicher', value: null, tags: ['vip', 'vip', 'messe'], personId: null, closeDate: '2026-06-30' },
      defaultLeadPipeline,
      t1,
    );

    expect(next).toMatchObject({
      title: 'PV + Speicher',
      value: null,
      tags: ['vip', 'messe'],
      personId: null,
      companyId: 'c1',
      closeDate: '2026-06-30',
    });
  });

  it('moves to another pipeline of the same stage onto its first step, or the step named', () => {
    const other: Pipeline = {
      ...defaultLeadPipeline,
      id: 'messe',
      steps: [
        { id: 'gesprochen', name: 'Am Stand gesprochen', probability: 15 },
        { id: 'termin', name: 'Termin', probability: 30 },
      ],
    };

    expect(patchOpportunity(lead(), { pipelineId: 'messe' }, other, t1)).toMatchObject({
      pipelineId: 'messe',
      stepId: 'gesprochen',
      probability: 15,
    });
    expect(patchOpportunity(lead(), { pipelineId: 'messe', stepId: 'termin' }, other, t1)).toMatchObject({
      stepId: 'termin',
      probability: 30,
    });
    expect(
      refusal(() => patchOpportunity(lead(), { pipelineId: 'default-deal' }, defaultDealPipeline, t1)),
    ).toMatchObject({ status: 422, fields: ['pipelineId'] });
  });
});

describe('subscriptions', () => {
  it('subscribe and unsubscribe idempotently', () => {
    const once = subscribe(lead(), 'u-ben', t1);
    const twice = subscribe(once, 'u-ben', t1);
    const gone = unsubscribe(twice, 'u-ben', t1);

    expect(once).toMatchObject({ subscriberIds: ['u-ben'], version: 2 });
    expect(twice).toBe(once);
    expect(gone).toMatchObject({ subscriberIds: [], version: 3 });
    expect(unsubscribe(gone, 'u-ben', t1)).toBe(gone);
  });

  it('stay open to change after the opportunity is closed', () => {
    const won = markWon(deal(), t1);

    expect(subscribe(won, 'u-ben', t1).subscriberIds).toEqual(['u-ben']);
  });
});

describe('won', () => {
  it('closes the opportunity today unless a close date was set', () => {
    const won = markWon(deal(), t1);
    const planned = markWon(patchOpportunity(deal(), { closeDate: '2026-03-31' }, defaultDealPipeline, t1), t1);

    expect(won).toMatchObject({ status: 'won', wonAt: t1.toISOString(), closeDate: '2026-03-05', version: 3 });
    expect(planned.closeDate).toBe('2026-03-31');
  });

  it('counts the day in Berlin: 23:30 UTC on 31 March is already 1 April', () => {
    expect(berlinDate(new Date('2026-03-31T23:30:00.000Z'))).toBe('2026-04-01');
    expect(berlinDate(new Date('2026-01-31T22:59:00.000Z'))).toBe('2026-01-31');
  });

  it('cannot be won or lost twice', () => {
    const won = markWon(deal(), t1);

    expect(refusal(() => markWon(won, t1))).toMatchObject({ status: 409, code: 'opportunity-closed' });
    expect(refusal(() => markLost(won, { lossReason: 'price' }, reasons, t1))).toMatchObject({
      status: 409,
      code: 'opportunity-closed',
    });
  });
});

describe('lost', () => {
  it('needs a reason: missing or blank is 400 naming lossReason', () => {
    expect(refusal(() => markLost(deal(), {}, reasons, t1))).toEqual({
      status: 400,
      code: 'validation-failed',
      fields: ['lossReason'],
    });
    expect(refusal(() => markLost(deal(), { lossReason: '  ' }, reasons, t1))).toMatchObject({
      status: 400,
      fields: ['lossReason'],
    });
  });

  it('takes reasons from the configured list only (422 otherwise)', () => {
    expect(refusal(() => markLost(deal(), { lossReason: 'weather' }, reasons, t1))).toEqual({
      status: 422,
      code: 'unprocessable',
      fields: ['lossReason'],
    });
  });

  it('records the reason, an optional comment and when', () => {
    const lost = markLost(deal(), { lossReason: 'competitor', comment: ' Mitbewerber 10 % günstiger ' }, reasons, t1);
    const bare = markLost(deal(), { lossReason: 'price' }, reasons, t1);

    expect(lost).toMatchObject({
      status: 'lost',
      lossReason: 'competitor',
      lossComment: 'Mitbewerber 10 % günstiger',
      lostAt: t1.toISOString(),
      closeDate: '2026-03-05',
    });
    expect(bare.lossComment).toBeNull();
  });
});

describe('a closed opportunity', () => {
  const closed = (): Opportunity[] => [markWon(deal(), t1), markLost(deal(), { lossReason: 'timing' }, reasons, t1)];

  it('freezes title, value, probability, pipeline, step, dates and links (409 naming the fields)', () => {
    for (const opp of closed()) {
      const attempts = [
        { title: 'Neu' },
        { value: { amount: 1, currency: 'EUR' } },
        { probability: 100 },
        { probabilityOverridden: true },
        { stepId: 'angebot' },
        { deliveryDate: '2026-05-01' },
        { dealStartDate: '2026-01-01' },
        { closeDate: null },
        { companyId: 'c2' },
        { personId: null },
      ];
      for (const patch of attempts) {
        expect(refusal(() => patchOpportunity(opp, patch, defaultDealPipeline, t1))).toMatchObject({
          status: 409,
          code: 'opportunity-closed',
        });
      }
    }
  });

  it('refuses a move to another step or becoming a deal again', () => {
    for (const opp of closed()) {
      expect(refusal(() => moveToStep(opp, defaultDealPipeline, 'abschluss', t1))).toMatchObject({
        status: 409,
        code: 'opportunity-closed',
      });
      expect(refusal(() => requireOpenForPlan(opp))).toMatchObject({ status: 409, code: 'opportunity-closed' });
    }
  });

  it('keeps tags, subscribers, priority and responsible user editable', () => {
    for (const opp of closed()) {
      const next = patchOpportunity(
        opp,
        {
          tags: ['referenz'],
          subscriberIds: ['u-ben'],
          priority: 'high',
          responsibleUserId: 'u-ben',
          title: opp.title,
        },
        defaultDealPipeline,
        t1,
      );

      expect(next).toMatchObject({
        tags: ['referenz'],
        subscriberIds: ['u-ben'],
        priority: 'high',
        status: opp.status,
      });
      expect(next.version).toBe(opp.version + 1);
    }
  });

  it('stays editable when its step has since left the pipeline or changed its probability', () => {
    const won = markWon(deal(), t1);
    const reshaped: Pipeline = { ...defaultDealPipeline, steps: [{ id: 'neu', name: 'Neu', probability: 5 }] };

    expect(patchOpportunity(won, { tags: ['referenz'] }, reshaped, t1)).toMatchObject({
      stepId: 'bedarfsanalyse',
      probability: 20,
      tags: ['referenz'],
    });
  });
});

describe('value and weighted value', () => {
  const withValue = (amount: number, currency: string, probability: number): Opportunity => ({
    ...deal(),
    value: { amount, currency },
    probability,
  });

  it('weights each value with the opportunity’s probability, in cents, rounded once', () => {
    const opps = [withValue(10_000, 'EUR', 20), withValue(0.05, 'EUR', 50), withValue(0.05, 'EUR', 50)];

    expect(weightedValue(opps)).toEqual({ amount: 2000.05, currency: 'EUR' });
  });

  it('sums and weights in each currency’s own minor unit: whole yen, mils of a dinar', () => {
    const yen = [withValue(1001, 'JPY', 50), withValue(1, 'JPY', 50)];
    const dinars = [withValue(1.001, 'KWD', 50), withValue(0.001, 'KWD', 50), withValue(0.001, 'KWD', 50)];

    expect(totalValue(yen, 'JPY')).toEqual({ amount: 1002, currency: 'JPY' });
    expect(weightedValue(yen, 'JPY')).toEqual({ amount: 501, currency: 'JPY' });
    expect(weightedValue([withValue(3, 'JPY', 50)], 'JPY')).toEqual({ amount: 2, currency: 'JPY' });
    expect(totalValue(dinars, 'KWD')).toEqual({ amount: 1.003, currency: 'KWD' });
    expect(weightedValue(dinars, 'KWD')).toEqual({ amount: 0.502, currency: 'KWD' });
  });

  it('sums a board column: count, value and weighted value, other currencies counted but not added', () => {
    const step = { id: 'angebot', name: 'Angebot', probability: 40 };
    const opps = [
      withValue(1000, 'EUR', 40),
      withValue(2500.5, 'EUR', 70),
      withValue(900, 'CHF', 40),
      { ...deal(), value: null },
    ];

    const column = boardStep(step, opps, { currency: 'EUR', maxItems: 2 });

    expect(column).toMatchObject({
      stepId: 'angebot',
      name: 'Angebot',
      probability: 40,
      count: 4,
      value: { amount: 3500.5, currency: 'EUR' },
      weightedValue: { amount: 2150.35, currency: 'EUR' },
      otherCurrencyCount: 1,
    });
    expect(column.items).toHaveLength(2);
  });
});
