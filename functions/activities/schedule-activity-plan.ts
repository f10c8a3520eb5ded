/**
 * The activity-plan worker: turns `activity-plan-requested` into the plan's activities on working
 * days, all written in one transaction with a guard on the run's hash, so a redelivered message or a
 * second request with the same plan and start date creates nothing twice.
 */
import { monotonicFactory } from 'ulid';
import { createActivity, planRunHash, scheduleActivityPlan } from '../../domain/activities/activity.ts';
import type { Opportunity } from '../../domain/opportunities/opportunity.ts';
import type { Pipeline } from '../../domain/pipelines/pipeline.ts';
import type { ActivityPlanRequestedV1 } from '../../events/activity-plan-requested.v1.ts';
import type { SettingsRepository } from '../settings/settings.repository.ts';
import { logger } from '../shared/logger.ts';
import { UnknownRecordError } from '../shared/sqs.ts';
import type { ActivityRepository } from './activity.repository.ts';

export type ActivityPlanDeps = {
  opportunities: { get: (id: string) => Promise<Opportunity | null> };
  pipelines: { get: (id: string) => Promise<Pipeline | null> };
  settings: Pick<SettingsRepository, 'get'>;
  activities: Pick<ActivityRepository, 'createPlan'>;
  now: () => Date;
};

export type PlanOutcome =
  | { status: 'created'; activityIds: string[] }
  | { status: 'already-scheduled' }
  | { status: 'dropped'; reason: string };

export const scheduleActivityPlanRun =
  (deps: ActivityPlanDeps) =>
  async (message: ActivityPlanRequestedV1): Promise<PlanOutcome> => {
    const [opportunity, pipeline] = await Promise.all([
      deps.opportunities.get(message.opportunityId),
      deps.pipelines.get(message.pipelineId),
    ]);
    // The request checked both before it was accepted: a message about neither is dead-lettered, not dropped.
    if (!opportunity) throw new UnknownRecordError(`no opportunity ${message.opportunityId}`);
    if (!pipeline) throw new UnknownRecordError(`no pipeline ${message.pipelineId}`);
    // won or lost between the request and now: a closed deal gets no new reminders
    if (opportunity.status !== 'open')
      return drop(message, `opportunity ${opportunity.number} is ${opportunity.status}`);
    if (pipeline.activityPlan.length === 0) return drop(message, `pipeline ${pipeline.id} has no activity plan`);

    const holidays = await deps.settings.get('holidays');
    // 'responsible' means the opportunity's responsible user; without one, whoever asked for the plan
    const responsible = opportunity.responsibleUserId ?? message.requestedBy;
    const scheduled = scheduleActivityPlan(pipeline.activityPlan, message.startDate, holidays, responsible);
    const now = deps.now();
    // monotonic ids keep activities due at the same moment in plan order within the opportunity's list
    const nextId = monotonicFactory();
    const activities = scheduled.map((planned) =>
      createActivity(nextId(now.getTime()), { ...planned, opportunityId: opportunity.id }, now),
    );
    const { created } = await deps.activities.createPlan(activities, {
      runHash: planRunHash(opportunity.id, pipeline.id, pipeline.activityPlan, message.startDate),
      opportunityId: opportunity.id,
      pipelineId: pipeline.id,
      startDate: message.startDate,
    });
    if (!created) return { status: 'already-scheduled' };
    return { status: 'created', activityIds: activities.map((a) => a.id) };
  };

const drop = (message: ActivityPlanRequestedV1, reason: string): PlanOutcome => {
  logger.warn('activity plan request dropped', { reason, opportunityId: message.opportunityId });
  return { status: 'dropped', reason };
};
