/**
 * Opportunities from HTTP: create, read by id or number, list and the board, change, lead → deal,
 * steps, subscriptions, won (the company becomes a customer) and lost, and requesting the activity plan.
 */
import { ulid } from 'ulid';
import type * as z from 'zod/mini';
import { type StageCause, stageImplied } from '../../domain/companies/lifecycle.ts';
import {
  boardStep,
  createOpportunity,
  defaultCurrency,
  markLost,
  markWon,
  moveToStep,
  type Opportunity,
  parseOpportunityNumber,
  patchOpportunity,
  requireOpenForPlan,
  subscribe,
  toDeal,
  totalValue,
  unsubscribe,
  weightedValue,
} from '../../domain/opportunities/opportunity.ts';
import type { Pipeline } from '../../domain/pipelines/pipeline.ts';
import { requireListed } from '../../domain/settings/settings.ts';
import { conflict, KontaktError, notFound, unprocessable, validationError } from '../../domain/shared/errors.ts';
import type { ActivityPlanRequestedV1 } from '../../events/activity-plan-requested.v1.ts';
import type { CompanyRepository } from '../contacts/company.repository.ts';
import { stageRaiseItems } from '../contacts/lifecycle-writes.ts';
import type { LinkTargets } from '../contacts/link-targets.ts';
import type { PersonRepository } from '../contacts/person.repository.ts';
import { requireLinkable } from '../contacts/record-access.ts';
import type { PipelineRepository } from '../pipelines/pipeline.repository.ts';
import type { SettingsRepository } from '../settings/settings.repository.ts';
import { defaultLimit } from '../shared/cursor.ts';
import { type HttpRequest, type HttpResult, routeTable } from '../shared/http.ts';
import type { QueuePublisher } from '../shared/queue-publisher.ts';
import { retrying } from '../shared/retry.ts';
import type { UserRepository } from '../users/user.repository.ts';
import { opportunitiesRoutes as routes } from './opportunities.routes.ts';
import type {
  ActivityPlanBody,
  DealBody,
  LostBody,
  NewOpportunityBody,
  OpportunityIdPath,
  OpportunityListQuery,
  OpportunityPatchBody,
  StepBody,
} from './opportunities-input.ts';
import type { OpportunityRepository } from './opportunity.repository.ts';
import {
  toBoardStepResponse,
  toMoneyResponse,
  toOpportunityPageResponse,
  toOpportunityResponse,
} from './opportunity-response.ts';

/**
 * What the opportunity use cases need; the handler builds it once per container:
 * repositories over the one table, the SQS publisher and the URL of the `activity-plans` queue
 * (env `QUEUE_URL_ACTIVITY_PLANS`, see `queueUrlEnv` in functions/shared/env.ts).
 */
export type OpportunityDeps = {
  opportunities: OpportunityRepository;
  pipelines: Pick<PipelineRepository, 'get' | 'defaultFor'>;
  companies: Pick<CompanyRepository, 'load' | 'updateItems'>;
  persons: Pick<PersonRepository, 'load' | 'updateItems'>;
  tableName: string;
  /** the person's company, for an opportunity that names a person but no company */
  links: Pick<LinkTargets, 'companyAt'>;
  users: Pick<UserRepository, 'findUser'>;
  settings: Pick<SettingsRepository, 'get'>;
  publisher: QueuePublisher<ActivityPlanRequestedV1>;
  activityPlansQueueUrl: string;
  now: () => Date;
};

type Path = z.infer<typeof OpportunityIdPath>;

/** The calling user: every opportunity route requires one. */
const callerId = (request: { user: { id: string } | null }): string => {
  if (!request.user) throw new Error('opportunity routes run for users only');
  return request.user.id;
};

/** By number (`OPP-12`, any case) or by id; unknown is 404. */
export const loadOpportunity = async (
  deps: Pick<OpportunityDeps, 'opportunities'>,
  idOrNumber: string,
  options: { consistent?: boolean } = {},
): Promise<Opportunity> => {
  const number = parseOpportunityNumber(idOrNumber);
  const found =
    number === null
      ? await deps.opportunities.get(idOrNumber, options)
      : await deps.opportunities.getByNumber(number, options);
  if (!found) throw notFound('opportunity', idOrNumber);
  return found;
};

const requireUser = async (deps: OpportunityDeps, field: string, id: string | null | undefined): Promise<void> => {
  if (id && !(await deps.users.findUser(id))) throw unprocessable(field, `no user ${id}`);
};

const requireTags = async (deps: OpportunityDeps, tags: readonly string[] | undefined): Promise<void> => {
  if (!tags || tags.length === 0) return;
  const known = await deps.settings.get('tags');
  tags.forEach((tag, i) => {
    requireListed(`tags.${i}`, tag, known);
  });
};

const requirePipeline = async (deps: OpportunityDeps, id: string): Promise<Pipeline> => {
  const pipeline = await deps.pipelines.get(id);
  if (!pipeline) throw unprocessable('pipelineId', `no pipeline ${id}`);
  return pipeline;
};

/** The pipeline an opportunity stands in; it cannot have gone (pipelines are never deleted). */
const ownPipeline = async (deps: OpportunityDeps, opp: Opportunity): Promise<Pipeline> => {
  const pipeline = await deps.pipelines.get(opp.pipelineId);
  if (!pipeline) throw new Error(`opportunity ${opp.id} stands in pipeline ${opp.pipelineId}, which does not exist`);
  return pipeline;
};

/** The links a change adds must name a company and a person that exist and are not merged away (422). */
const requireLinks = async (deps: OpportunityDeps, next: Opportunity, before: Opportunity | null): Promise<void> => {
  if (next.companyId && next.companyId !== before?.companyId) {
    await requireLinkable(deps.companies, 'companyId', 'company', next.companyId);
  }
  if (next.personId && next.personId !== before?.personId) {
    await requireLinkable(deps.persons, 'personId', 'person', next.personId);
  }
};

/**
 * The writes that raise the stage of the opportunity's contact to what the opportunity implies (a
 * lead a lead, an open deal a prospect, a won one a customer), when `next` implies more than
 * `before` did or names another contact; none otherwise (domain/companies/lifecycle.ts).
 */
const contactStageItems = async (
  deps: OpportunityDeps,
  before: Opportunity | null,
  next: Opportunity,
  userId: string | null,
) => {
  const to = stageImplied(next);
  if (to === null) return [];
  const sameContact = before !== null && before.companyId === next.companyId && before.personId === next.personId;
  if (sameContact && stageImplied(before) === to) return [];
  const by: StageCause = to === 'customer' ? 'won' : to === 'prospect' ? 'deal' : 'lead';
  return stageRaiseItems(
    deps,
    deps.tableName,
    { companyId: next.companyId, personId: next.personId },
    to,
    { by, userId, recordId: next.id },
    // the opportunity's own change time: a win's history entry says when it was won
    new Date(next.updatedAt),
    { requireLive: to === 'customer' },
  );
};

const isStale = (error: unknown): boolean =>
  error instanceof KontaktError && (error.code === 'stale-version' || error.code === 'concurrent-change');

/** Actions carry no version: one that lost a race reads the opportunity again and applies itself to what won. */
const maxActionAttempts = 3;

const act = (
  deps: OpportunityDeps,
  idOrNumber: string,
  apply: (opp: Opportunity) => Opportunity | Promise<Opportunity>,
  userId: string | null = null,
): Promise<Opportunity> =>
  retrying(
    async () => {
      const opp = await loadOpportunity(deps, idOrNumber, { consistent: true });
      const next = await apply(opp);
      if (next === opp) return opp;
      await deps.opportunities.update(opp, next, await contactStageItems(deps, opp, next, userId));
      return next;
    },
    { attempts: maxActionAttempts, retryable: isStale },
  );

const ok = (opp: Opportunity): HttpResult => ({ status: 200, body: toOpportunityResponse(opp) });

export const createOpportunityFromRequest =
  (deps: OpportunityDeps) =>
  async (request: HttpRequest<z.infer<typeof NewOpportunityBody>, undefined, undefined>): Promise<HttpResult> => {
    const { body } = request;
    const stage = body.stage ?? 'lead';
    const pipeline = body.pipelineId
      ? await requirePipeline(deps, body.pipelineId)
      : await deps.pipelines.defaultFor(stage);
    const source = body.source ?? 'cold_acquisition';
    const priority = body.priority ?? 'normal';
    requireListed('source', source, await deps.settings.get('sources'));
    requireListed('priority', priority, await deps.settings.get('priorities'));
    await requireTags(deps, body.tags);
    const responsibleUserId = body.responsibleUserId === undefined ? callerId(request) : body.responsibleUserId;
    await requireUser(deps, 'responsibleUserId', responsibleUserId);
    const input = {
      title: body.title,
      stage,
      pipeline,
      value: body.value ?? null,
      source,
      priority,
      responsibleUserId,
      // an opportunity of a person is one of the person's company, when they work at one
      companyId: await deps.links.companyAt(body),
      personId: body.personId ?? null,
      tags: body.tags ?? [],
      deliveryDate: body.deliveryDate ?? null,
      dealStartDate: body.dealStartDate ?? null,
      closeDate: body.closeDate ?? null,
    };
    const now = deps.now();
    // every rule is checked before a number is taken, so numbers skip only where a write failed
    const draft = createOpportunity('draft', 1, input, now);
    await requireLinks(deps, draft, null);
    const created = createOpportunity(ulid(now.getTime()), await deps.opportunities.nextNumber(), input, now);
    const opp: Opportunity =
      body.probability === undefined
        ? created
        : { ...created, probability: body.probability, probabilityOverridden: true };
    await deps.opportunities.create(opp, await contactStageItems(deps, null, opp, callerId(request)));
    return { status: 201, body: toOpportunityResponse(opp), headers: { location: `/v1/opportunities/${opp.id}` } };
  };

export const getOpportunity =
  (deps: Pick<OpportunityDeps, 'opportunities'>) =>
  async (request: HttpRequest<undefined, Path, undefined>): Promise<HttpResult> =>
    ok(await loadOpportunity(deps, request.path.id));

/** At most this many opportunities per board column; count and sums cover all of them. */
export const boardItemsPerStep = 50;

type ListQuery = z.infer<typeof OpportunityListQuery>;

const boardOnlyFilters = ['stage', 'status', 'stepId', 'cursor'] as const;

const board = async (deps: OpportunityDeps, query: ListQuery): Promise<HttpResult> => {
  if (query.pipelineId === undefined) {
    throw validationError([{ field: 'pipelineId', message: 'the board shows one pipeline: give its id' }]);
  }
  const refused = boardOnlyFilters.filter((field) => query[field] !== undefined);
  if (refused.length > 0) {
    throw validationError(
      refused.map((field) => ({
        field,
        message: 'not with view=board (the board shows the open opportunities of every step)',
      })),
    );
  }
  const pipeline = await requirePipeline(deps, query.pipelineId);
  const currency = query.currency ?? defaultCurrency;
  const keep = (opp: Opportunity): boolean =>
    (query.responsibleUserId === undefined || opp.responsibleUserId === query.responsibleUserId) &&
    (query.tag === undefined || opp.tags.includes(query.tag)) &&
    (query.companyId === undefined || opp.companyId === query.companyId);
  const columns = await Promise.all(
    pipeline.steps.map(async (step) => {
      const open = (await deps.opportunities.openOnStep(pipeline.id, step.id)).filter(keep);
      return { step, open };
    }),
  );
  const everything = columns.flatMap((c) => c.open);
  return {
    status: 200,
    body: {
      pipelineId: pipeline.id,
      stage: pipeline.stage,
      currency,
      steps: columns.map(({ step, open }) =>
        toBoardStepResponse(boardStep(step, open, { currency, maxItems: boardItemsPerStep })),
      ),
      totals: {
        count: everything.length,
        value: toMoneyResponse(totalValue(everything, currency)),
        weightedValue: toMoneyResponse(weightedValue(everything, currency)),
      },
    },
  };
};

export const listOpportunities =
  (deps: OpportunityDeps) =>
  async (request: HttpRequest<undefined, undefined, ListQuery>): Promise<HttpResult> => {
    const { view, currency, ...filters } = request.query;
    if (view === 'board') return board(deps, request.query);
    if (currency !== undefined) {
      throw validationError([{ field: 'currency', message: 'only with view=board' }]);
    }
    return {
      status: 200,
      body: toOpportunityPageResponse(
        await deps.opportunities.list({ ...filters, limit: filters.limit ?? defaultLimit }),
      ),
    };
  };

export const patchOpportunityFromRequest =
  (deps: OpportunityDeps) =>
  async (request: HttpRequest<z.infer<typeof OpportunityPatchBody>, Path, undefined>): Promise<HttpResult> => {
    const opp = await loadOpportunity(deps, request.path.id, { consistent: true });
    const { version, ...patch } = request.body;
    if (version !== opp.version) {
      throw conflict('stale-version', `opportunity ${opp.number} is at version ${opp.version}, not ${version}`);
    }
    const pipeline =
      patch.pipelineId === undefined || patch.pipelineId === opp.pipelineId
        ? await ownPipeline(deps, opp)
        : await requirePipeline(deps, patch.pipelineId);
    const next = patchOpportunity(opp, patch, pipeline, deps.now());
    if (patch.priority !== undefined) requireListed('priority', patch.priority, await deps.settings.get('priorities'));
    await requireTags(deps, patch.tags);
    if (next.responsibleUserId !== opp.responsibleUserId) {
      await requireUser(deps, 'responsibleUserId', next.responsibleUserId);
    }
    for (const [i, userId] of next.subscriberIds.entries()) {
      if (!opp.subscriberIds.includes(userId)) await requireUser(deps, `subscriberIds.${i}`, userId);
    }
    await requireLinks(deps, next, opp);
    await deps.opportunities.update(opp, next, await contactStageItems(deps, opp, next, callerId(request)));
    return ok(next);
  };

export const convertToDeal =
  (deps: OpportunityDeps) =>
  async (request: HttpRequest<z.infer<typeof DealBody>, Path, undefined>): Promise<HttpResult> => {
    const pipelineId = request.body?.pipelineId;
    const dealPipeline = pipelineId ? await requirePipeline(deps, pipelineId) : await deps.pipelines.defaultFor('deal');
    return ok(await act(deps, request.path.id, (opp) => toDeal(opp, dealPipeline, deps.now()), callerId(request)));
  };

export const moveOpportunityToStep =
  (deps: OpportunityDeps) =>
  async (request: HttpRequest<z.infer<typeof StepBody>, Path, undefined>): Promise<HttpResult> =>
    ok(
      await act(deps, request.path.id, async (opp) =>
        moveToStep(opp, await ownPipeline(deps, opp), request.body.stepId, deps.now()),
      ),
    );

export const subscribeToOpportunity =
  (deps: OpportunityDeps) =>
  async (request: HttpRequest<undefined, Path, undefined>): Promise<HttpResult> =>
    ok(await act(deps, request.path.id, (opp) => subscribe(opp, callerId(request), deps.now())));

export const unsubscribeFromOpportunity =
  (deps: OpportunityDeps) =>
  async (request: HttpRequest<undefined, Path, undefined>): Promise<HttpResult> =>
    ok(await act(deps, request.path.id, (opp) => unsubscribe(opp, callerId(request), deps.now())));

export const markOpportunityWon =
  (deps: OpportunityDeps) =>
  async (request: HttpRequest<undefined, Path, undefined>): Promise<HttpResult> => {
    return ok(await act(deps, request.path.id, (opp) => markWon(opp, deps.now()), callerId(request)));
  };

export const markOpportunityLost =
  (deps: OpportunityDeps) =>
  async (request: HttpRequest<z.infer<typeof LostBody>, Path, undefined>): Promise<HttpResult> => {
    const reasons = await deps.settings.get('loss-reasons');
    const input = { lossReason: request.body?.lossReason, comment: request.body?.comment };
    return ok(await act(deps, request.path.id, (opp) => markLost(opp, input, reasons, deps.now())));
  };

export const requestActivityPlan =
  (deps: OpportunityDeps) =>
  async (request: HttpRequest<z.infer<typeof ActivityPlanBody>, Path, undefined>): Promise<HttpResult> => {
    const opp = await loadOpportunity(deps, request.path.id, { consistent: true });
    requireOpenForPlan(opp);
    const pipeline = request.body.pipelineId
      ? await requirePipeline(deps, request.body.pipelineId)
      : await ownPipeline(deps, opp);
    if (pipeline.activityPlan.length === 0) {
      throw unprocessable('pipelineId', `pipeline ${pipeline.id} has no activity plan`);
    }
    const event: ActivityPlanRequestedV1 = {
      type: 'activity-plan-requested',
      version: 1,
      opportunityId: opp.id,
      pipelineId: pipeline.id,
      startDate: request.body.startDate,
      requestedBy: callerId(request),
      requestedAt: deps.now().toISOString(),
    };
    await deps.publisher.publish(deps.activityPlansQueueUrl, event);
    return {
      status: 202,
      body: {
        opportunityId: opp.id,
        pipelineId: pipeline.id,
        startDate: request.body.startDate,
        activities: pipeline.activityPlan.length,
      },
    };
  };

/**
 * The routes of opportunitiesRoutes wired to their use cases, for the opportunities-api handler to
 * spread into its router beside the conversion and board routes.
 */
export const opportunityRouteHandlers = (deps: OpportunityDeps) =>
  routeTable(routes, {
    'POST /v1/opportunities': createOpportunityFromRequest(deps),
    'GET /v1/opportunities': listOpportunities(deps),
    'GET /v1/opportunities/{id}': getOpportunity(deps),
    'PATCH /v1/opportunities/{id}': patchOpportunityFromRequest(deps),
    'POST /v1/opportunities/{id}/deal': convertToDeal(deps),
    'POST /v1/opportunities/{id}/step': moveOpportunityToStep(deps),
    'PUT /v1/opportunities/{id}/subscription': subscribeToOpportunity(deps),
    'DELETE /v1/opportunities/{id}/subscription': unsubscribeFromOpportunity(deps),
    'POST /v1/opportunities/{id}/won': markOpportunityWon(deps),
    'POST /v1/opportunities/{id}/lost': markOpportunityLost(deps),
    'POST /v1/opportunities/{id}/activity-plan': requestActivityPlan(deps),
  });
