/**
 * Opportunities in the single table: the record with its list keys, the lookup item of its number,
 * the reference items of its company and person, and its subscribers' subscription items, all written
 * in one transaction with optimistic versioning; numbers come from an atomic counter.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type Opportunity, parseOpportunityNumber } from '../../domain/opportunities/opportunity.ts';
import { conflict } from '../../domain/shared/errors.ts';
import {
  contactReferences,
  explainCancellation,
  linkableChecks,
  type RecordRef,
  type Reference,
  referenceWrites,
  type TransactItem,
} from '../contacts/references.ts';
import type { AccessPattern } from '../shared/entity.ts';
import { retryingConflicts } from '../shared/retry.ts';
import { takeNextNumber } from '../shared/sequence.entity.ts';
import { createStore } from '../shared/store.ts';
import { composeTransaction } from '../shared/transactions.ts';
import {
  fromOpportunityRecord,
  opportunities,
  opportunityNumberItem,
  opportunityNumbers,
  opportunitySequence,
  opportunitySubscriptions,
  toOpportunityRecord,
} from './opportunity.entity.ts';

export const opportunityRef = (id: string): RecordRef => ({ kind: 'OPP', id });

export const opportunityReferences = (opp: Opportunity): Reference[] => contactReferences(opp);

export type OpportunityListQuery = {
  limit: number;
  cursor?: string | undefined;
  stage?: string | undefined;
  status?: string | undefined;
  pipelineId?: string | undefined;
  stepId?: string | undefined;
  responsibleUserId?: string | undefined;
  tag?: string | undefined;
  companyId?: string | undefined;
};

export type OpportunityPage = { items: Opportunity[]; nextCursor: string | null };

const matches =
  (query: Omit<OpportunityListQuery, 'limit' | 'cursor'>) =>
  (opp: Opportunity): boolean =>
    (query.stage === undefined || opp.stage === query.stage) &&
    (query.status === undefined || opp.status === query.status) &&
    (query.pipelineId === undefined || opp.pipelineId === query.pipelineId) &&
    (query.stepId === undefined || opp.stepId === query.stepId) &&
    (query.responsibleUserId === undefined || opp.responsibleUserId === query.responsibleUserId) &&
    (query.tag === undefined || opp.tags.includes(query.tag)) &&
    (query.companyId === undefined || opp.companyId === query.companyId);

export const createOpportunityRepository = (doc: DynamoDBDocumentClient, tableName: string) => {
  const store = createStore(doc, tableName);

  const subscriptionWrites = (
    opp: Opportunity,
    before: readonly string[],
    after: readonly string[],
  ): TransactItem[] => [
    ...before
      .filter((userId) => !after.includes(userId))
      .map((userId) => opportunitySubscriptions.delete(tableName, userId, opp.id)),
    ...after
      .filter((userId) => !before.includes(userId))
      .map((userId) => opportunitySubscriptions.put(tableName, { userId, opportunityId: opp.id })),
  ];

  const companions = (before: Opportunity | null, after: Opportunity): TransactItem[] => {
    const oldRefs = before ? opportunityReferences(before) : [];
    const newRefs = opportunityReferences(after);
    return [
      ...referenceWrites(tableName, opportunityRef(after.id), oldRefs, newRefs),
      ...linkableChecks(tableName, oldRefs, newRefs),
      ...subscriptionWrites(after, before?.subscriberIds ?? [], after.subscriberIds),
    ];
  };

  const updateItems = (previous: Opportunity, next: Opportunity): TransactItem[] => [
    opportunities.put(tableName, toOpportunityRecord(next), {
      expression: 'version = :expected',
      values: { ':expected': previous.version },
    }),
    ...companions(previous, next),
  ];

  /** Turns a cancelled transaction into what the client did wrong, or rethrows it. */
  const explain = (error: unknown, items: TransactItem[], opp: Opportunity, firstFailed: () => never): never =>
    explainCancellation(error, {
      items,
      links: opportunityReferences(opp),
      onRecordCondition: firstFailed,
      conflictDetail: `opportunity ${opp.number} is being changed by another request; retry`,
    });

  /** Runs a transaction, again when it merely collided with another one (nothing was written). */
  const transact = async (
    items: TransactItem[],
    onCancelled: (error: unknown) => never | Promise<never>,
  ): Promise<void> => {
    try {
      await retryingConflicts(() => store.transact(items));
    } catch (error) {
      await onCancelled(error);
    }
  };

  const stale = (previous: Opportunity): never => {
    throw conflict('stale-version', `opportunity ${previous.number} has changed since version ${previous.version}`);
  };

  const get = async (id: string, options: { consistent?: boolean } = {}): Promise<Opportunity | null> => {
    const record = await store.get(opportunities, opportunities.key(id), options);
    return record ? fromOpportunityRecord(record) : null;
  };

  /** A page of an access pattern, newest first, filtered on the page. */
  const queryPage = async (
    pattern: AccessPattern,
    page: { limit: number; cursor?: string | undefined },
    filter: (opp: Opportunity) => boolean,
  ): Promise<OpportunityPage> => {
    const found = await store.query(opportunities, pattern, { ...page, newestFirst: true });
    return { items: found.items.map(fromOpportunityRecord).filter(filter), nextCursor: found.nextCursor };
  };

  return {
    /** The next number of the opportunities' sequence: an atomic ADD, so parallel creations never share one. */
    async nextNumber(): Promise<number> {
      return takeNextNumber(store, opportunitySequence);
    },

    /**
     * The writes of a new opportunity, for this repository's `create` or a larger transaction (a
     * conversion): the record, its number's lookup item, its links with their checks, its subscriptions.
     */
    createItems(opp: Opportunity): TransactItem[] {
      const number = parseOpportunityNumber(opp.number);
      if (number === null) throw new Error(`not an opportunity number: ${opp.number}`);
      return [
        opportunities.put(tableName, toOpportunityRecord(opp), { expression: 'attribute_not_exists(pk)' }),
        {
          Put: {
            TableName: tableName,
            Item: opportunityNumberItem(number, opp.id),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        ...companions(null, opp),
      ];
    },

    /** Writes a new opportunity, with `extra` writes of its transaction (its contact's stage raised). */
    async create(opp: Opportunity, extra: readonly TransactItem[] = []): Promise<void> {
      const items = composeTransaction([...this.createItems(opp), ...extra]);
      await transact(items, (error) => {
        if (error instanceof TransactionCanceledException) {
          const reasons = error.CancellationReasons ?? [];
          if (reasons[1]?.Code === 'ConditionalCheckFailed') {
            throw conflict('number-taken', `${opp.number} belongs to another opportunity`);
          }
        }
        return explain(error, items, opp, () => {
          throw conflict('already-exists', `opportunity ${opp.id} exists already`);
        });
      });
    },

    get,

    /** `OPP-12` → the opportunity numbered 12. */
    async getByNumber(number: number, options: { consistent?: boolean } = {}): Promise<Opportunity | null> {
      const found = await store.get(opportunityNumbers, opportunityNumbers.key(number), options);
      return found ? get(found.opportunityId, options) : null;
    },

    /** The writes of a change, conditional on `previous.version`, for a larger transaction. */
    updateItems,

    /**
     * Writes a change if nobody changed the opportunity since `previous` (stale is 409), with `extra`
     * writes of its transaction (its contact's stage raised, conditional on the contact's version).
     */
    async update(previous: Opportunity, next: Opportunity, extra: readonly TransactItem[] = []): Promise<void> {
      const items = composeTransaction([...updateItems(previous, next), ...extra]);
      await transact(items, (error) => explain(error, items, next, () => stale(previous)));
    },

    /**
     * A page of opportunities, newest first, through the most selective access pattern: the open
     * ones of a step, a user's, or all; the other filters apply to that page.
     */
    async list(query: OpportunityListQuery): Promise<OpportunityPage> {
      const { patterns } = opportunities;
      const pattern =
        query.status === 'open' && query.pipelineId !== undefined && query.stepId !== undefined
          ? patterns.openOnStep(query.pipelineId, query.stepId)
          : query.responsibleUserId !== undefined
            ? patterns.byResponsible(query.responsibleUserId)
            : patterns.all();
      return queryPage(pattern, { limit: query.limit, cursor: query.cursor }, matches(query));
    },

    /** A user's opportunities, newest first, filtered on the page (the board of "my" leads and deals). */
    async listByResponsible(
      userId: string,
      options: { status?: string; stage?: string; limit: number; cursor?: string | undefined },
    ): Promise<OpportunityPage> {
      return queryPage(
        opportunities.patterns.byResponsible(userId),
        { limit: options.limit, cursor: options.cursor },
        matches({ status: options.status, stage: options.stage }),
      );
    },

    /** The opportunities a user subscribes to (their subscription items), at most `limit`. */
    async listSubscribedBy(userId: string, limit: number): Promise<Opportunity[]> {
      const { items } = await store.query(opportunitySubscriptions, opportunitySubscriptions.patterns.ofUser(userId), {
        limit,
      });
      const ids = items.map((subscription) => subscription.opportunityId);
      const found = await store.getMany(
        opportunities,
        ids.map((id) => opportunities.key(id)),
      );
      const byId = new Map(found.map((record) => [record.id, fromOpportunityRecord(record)]));
      return ids.flatMap((id) => byId.get(id) ?? []);
    },

    /** Every open opportunity on a step, last changed first (a board column; all of them, for its sums). */
    async openOnStep(pipelineId: string, stepId: string): Promise<Opportunity[]> {
      const found = await store.queryAll(opportunities, opportunities.patterns.openOnStep(pipelineId, stepId), {
        newestFirst: true,
      });
      // the index is eventually consistent: an item read just as it closed may still carry the key
      return found.map(fromOpportunityRecord).filter((opp) => opp.status === 'open');
    },

    /** Whether any open opportunity stands on a step (a pipeline change may not remove such a step). */
    async hasOpenOnStep(pipelineId: string, stepId: string): Promise<boolean> {
      const page = await store.queryItems(opportunities.patterns.openOnStep(pipelineId, stepId), { limit: 1 });
      return page.items.length > 0;
    },
  };
};

export type OpportunityRepository = ReturnType<typeof createOpportunityRepository>;
