// The sales entities write exactly the items the repositories wrote before they were declared
// (keys, index keys, tags, attributes): deployed tables and local data keep working unmigrated.
import { describe, expect, it } from 'vitest';
import type { Activity } from '../../../domain/activities/activity.ts';
import type { Opportunity } from '../../../domain/opportunities/opportunity.ts';
import type { Pipeline } from '../../../domain/pipelines/pipeline.ts';
import { activities, activityPlanRunItem } from '../../../functions/activities/activity.entity.ts';
import {
  fromOpportunityRecord,
  nextValue,
  opportunities,
  opportunityNumberItem,
  opportunityNumberSequence,
  opportunityNumbers,
  opportunitySubscriptions,
  toOpportunityRecord,
} from '../../../functions/opportunities/opportunity.entity.ts';
import { pipelines } from '../../../functions/pipelines/pipeline.entity.ts';

const anOpportunity = (overrides: Partial<Opportunity> = {}): Opportunity => ({
  id: '01JOPP',
  number: 'OPP-42',
  title: 'Wärmepumpe',
  stage: 'deal',
  status: 'open',
  pipelineId: 'default-deal',
  stepId: 'angebot',
  probability: 40,
  probabilityOverridden: false,
  value: { amount: 12_345.67, currency: 'EUR' },
  source: 'website',
  tags: ['solar'],
  priority: 'high',
  responsibleUserId: 'u-1',
  companyId: 'c-1',
  personId: 'p-1',
  deliveryDate: null,
  dealStartDate: '2027-03-01',
  closeDate: null,
  subscriberIds: ['u-2'],
  lossReason: null,
  lossComment: null,
  wonAt: null,
  lostAt: null,
  inboxEntryId: 'i-1',
  createdAt: '2027-03-01T09:00:00.000Z',
  updatedAt: '2027-03-02T10:00:00.000Z',
  version: 3,
  ...overrides,
});

/** What the repository stored before the entity: the record's fields with money in cents. */
const storedFields = (opp: Opportunity) => ({
  ...opp,
  value: opp.value ? { cents: Math.round(opp.value.amount * 100), currency: opp.value.currency } : null,
});

describe('opportunity items', () => {
  it('stores an open opportunity with its number, board, user and all-opportunities keys as before', () => {
    const opp = anOpportunity();

    const item = opportunities.item(toOpportunityRecord(opp));

    expect(item).toStrictEqual({
      pk: 'OPP#01JOPP',
      sk: 'OPP',
      gsi4pk: 'OPPS',
      gsi4sk: '2027-03-01T09:00:00.000Z#01JOPP',
      gsi2pk: 'OPP#USER#u-1',
      gsi2sk: '2027-03-01T09:00:00.000Z#01JOPP',
      gsi1pk: 'OPP#PIPELINE#default-deal#STEP#angebot',
      gsi1sk: '2027-03-02T10:00:00.000Z#01JOPP',
      _et: 'opportunity',
      _v: 1,
      ...storedFields(opp),
    });
    expect(item.value).toStrictEqual({ cents: 1_234_567, currency: 'EUR' });
  });

  it('leaves a closed one off the board and one without a responsible user off the user index, as before', () => {
    const opp = anOpportunity({
      status: 'won',
      wonAt: '2027-03-05T00:00:00.000Z',
      responsibleUserId: null,
      value: null,
    });

    const item = opportunities.item(toOpportunityRecord(opp));

    expect(item).toStrictEqual({
      pk: 'OPP#01JOPP',
      sk: 'OPP',
      gsi4pk: 'OPPS',
      gsi4sk: '2027-03-01T09:00:00.000Z#01JOPP',
      _et: 'opportunity',
      _v: 1,
      ...storedFields(opp),
    });
  });

  it('reads an item written before back into the same opportunity', () => {
    const opp = anOpportunity();

    expect(fromOpportunityRecord(opportunities.parse(opportunities.item(toOpportunityRecord(opp))))).toStrictEqual(opp);
  });

  it('stores the number lookup, the subscription and the sequence under the keys and tags of before', () => {
    expect(opportunityNumberItem(42, '01JOPP')).toStrictEqual({
      pk: 'OPPNUMBER#42',
      sk: 'OPPNUMBER',
      _et: 'opportunity-number',
      _v: 1,
      opportunityId: '01JOPP',
    });
    expect(opportunityNumbers.parse({ pk: 'OPPNUMBER#42', sk: 'OPPNUMBER', opportunityId: '01JOPP' })).toStrictEqual({
      opportunityId: '01JOPP',
    });
    expect(opportunitySubscriptions.item({ userId: 'u-2', opportunityId: '01JOPP' })).toStrictEqual({
      pk: 'SUBS#USER#u-2',
      sk: 'OPP#01JOPP',
      _et: 'opportunity-subscription',
      _v: 1,
      userId: 'u-2',
      opportunityId: '01JOPP',
    });
    expect(opportunityNumberSequence.key()).toStrictEqual({ pk: 'SEQUENCE#OPP', sk: 'SEQUENCE' });
    expect(nextValue).toStrictEqual({
      expression: 'SET #et = :et, #v = :v ADD #counter :one',
      names: { '#counter': 'counter', '#et': '_et', '#v': '_v' },
      values: { ':one': 1, ':et': 'sequence', ':v': 1 },
    });
  });
});

const anActivity = (overrides: Partial<Activity> = {}): Activity => ({
  id: '01JACT',
  type: 'call',
  subject: 'Angebot nachfassen',
  dueAt: '2027-03-03T09:00:00.000Z',
  durationMinutes: 15,
  status: 'open',
  doneAt: null,
  responsibleUserId: 'u-1',
  opportunityId: '01JOPP',
  companyId: 'c-1',
  personId: null,
  ticketId: null,
  reminderSentAt: null,
  createdAt: '2027-03-01T09:00:00.000Z',
  updatedAt: '2027-03-01T09:00:00.000Z',
  version: 1,
  ...overrides,
});

describe('activity items', () => {
  it('stores an open activity awaiting its reminder with its opportunity, user and reminder keys as before', () => {
    const activity = anActivity();

    expect(activities.item(activity)).toStrictEqual({
      pk: 'ACT#01JACT',
      sk: 'ACT',
      gsi2pk: 'ACT#OPP#01JOPP',
      gsi2sk: '2027-03-03T09:00:00.000Z#01JACT',
      gsi1pk: 'ACT#USER#u-1#open',
      gsi1sk: '2027-03-03T09:00:00.000Z#01JACT',
      gsi3pk: 'ACT#DUE',
      gsi3sk: '2027-03-03T09:00:00.000Z#01JACT',
      _et: 'activity',
      _v: 1,
      ...activity,
    });
  });

  it('stores a done activity without an opportunity under its user’s done partition only, as before', () => {
    const activity = anActivity({ status: 'done', doneAt: '2027-03-03T09:30:00.000Z', opportunityId: null });

    expect(activities.item(activity)).toStrictEqual({
      pk: 'ACT#01JACT',
      sk: 'ACT',
      gsi1pk: 'ACT#USER#u-1#done',
      gsi1sk: '2027-03-03T09:00:00.000Z#01JACT',
      _et: 'activity',
      _v: 1,
      ...activity,
    });
  });

  it('reads links a merge removed (attributes absent) as null, as before', () => {
    const { companyId, personId, ...stored } = activities.item(anActivity());

    expect(activities.parse(stored)).toStrictEqual(anActivity({ companyId: null, personId: null }));
  });

  it('stores the plan run guard under the run’s hash as before', () => {
    const run = {
      opportunityId: '01JOPP',
      pipelineId: 'default-deal',
      startDate: '2027-03-01',
      activityIds: ['a', 'b'],
    };

    expect(activityPlanRunItem('abc123', run)).toStrictEqual({
      pk: 'ACTPLAN#abc123',
      sk: 'ACTPLAN',
      _et: 'activity-plan-run',
      _v: 1,
      ...run,
    });
  });
});

describe('pipeline items', () => {
  it('stores a pipeline listed by stage and lower-cased name as before', () => {
    const pipeline: Pipeline = {
      id: '01JPIPE',
      name: 'Großkunden',
      stage: 'deal',
      steps: [{ id: 'angebot', name: 'Angebot', probability: 40 }],
      activityPlan: [
        {
          type: 'call',
          subject: 'Anrufen',
          offsetDays: 0,
          durationMinutes: 15,
          assignee: 'responsible',
          time: '10:00',
        },
      ],
      createdAt: '2027-03-01T09:00:00.000Z',
      updatedAt: '2027-03-01T09:00:00.000Z',
      version: 1,
    };

    expect(pipelines.item(pipeline)).toStrictEqual({
      pk: 'PIPELINE#01JPIPE',
      sk: 'PIPELINE',
      gsi1pk: 'PIPELINES',
      gsi1sk: 'deal#großkunden#01JPIPE',
      _et: 'pipeline',
      _v: 1,
      ...pipeline,
    });
  });
});
