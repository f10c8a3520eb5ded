// The sales routes answer their own shapes, mapped from the domain records: what the table stores
// (money in cents, keys, index keys, entity tags) never reaches an answer, and every answer matches
// the schema the OpenAPI description publishes.
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { createActivity } from '../../../domain/activities/activity.ts';
import { createOpportunity } from '../../../domain/opportunities/opportunity.ts';
import { defaultDealPipeline } from '../../../domain/pipelines/pipeline.ts';
import { activities } from '../../../functions/activities/activity.entity.ts';
import { ActivityOut, toActivityResponse } from '../../../functions/activities/activity-response.ts';
import {
  fromOpportunityRecord,
  opportunities,
  toOpportunityRecord,
} from '../../../functions/opportunities/opportunity.entity.ts';
import { OpportunityOut, toOpportunityResponse } from '../../../functions/opportunities/opportunity-response.ts';
import { pipelines } from '../../../functions/pipelines/pipeline.entity.ts';
import { PipelineOut, toPipelineResponse } from '../../../functions/pipelines/pipeline-response.ts';

const now = new Date('2027-03-01T09:00:00.000Z');
const storedKeys = [
  'pk',
  'sk',
  'gsi1pk',
  'gsi1sk',
  'gsi2pk',
  'gsi2sk',
  'gsi3pk',
  'gsi3sk',
  'gsi4pk',
  'gsi4sk',
  '_et',
  '_v',
];

/** Every answer matches its published schema exactly: no field more, none less. */
/** the answer schema made strict (response schemas are lazy: built when first used, not at a cold start) */
const strictly = (schema: z.ZodMiniObject | z.ZodMiniLazy<z.ZodMiniObject>) =>
  z.strictObject(('getter' in schema.def ? schema.def.getter() : (schema as z.ZodMiniObject)).def.shape);

describe('sales answers', () => {
  it('answers an opportunity read from its stored item with its value in amount and currency, without keys or tags', () => {
    const opp = createOpportunity(
      '01JOPP',
      42,
      {
        title: 'Wärmepumpe',
        stage: 'deal',
        pipeline: defaultDealPipeline,
        value: { amount: 12_345.67, currency: 'EUR' },
        source: 'website',
        priority: 'high',
        responsibleUserId: 'u-1',
        companyId: null,
        personId: null,
      },
      now,
    );
    const stored = opportunities.item(toOpportunityRecord(opp));

    const answer = toOpportunityResponse(fromOpportunityRecord(opportunities.parse(stored)));

    expect(answer.value).toStrictEqual({ amount: 12_345.67, currency: 'EUR' });
    expect(Object.keys(answer).filter((key) => storedKeys.includes(key) || key === 'cents')).toEqual([]);
    expect(strictly(OpportunityOut).safeParse(answer).success).toBe(true);
    expect(answer).toStrictEqual({ ...opp });
  });

  it('answers an activity whose links a merge removed with those links as null', () => {
    const activity = createActivity(
      '01JACT',
      {
        type: 'call',
        subject: 'Nachfassen',
        dueAt: '2027-03-03T09:00:00Z',
        durationMinutes: 15,
        responsibleUserId: 'u-1',
        companyId: 'c-1',
      },
      now,
    );
    const { companyId, ...stored } = activities.item(activity);

    const answer = toActivityResponse(activities.parse(stored));

    expect(answer.companyId).toBeNull();
    expect(strictly(ActivityOut).safeParse(answer).success).toBe(true);
  });

  it('answers a stored pipeline in its published shape, plan times only where set', () => {
    const answer = toPipelineResponse(pipelines.parse(pipelines.item(defaultDealPipeline)));

    expect(strictly(PipelineOut).safeParse(answer).success).toBe(true);
    expect(answer.activityPlan[0]).not.toHaveProperty('time');
    expect(answer).toStrictEqual(JSON.parse(JSON.stringify(defaultDealPipeline)));
  });
});
