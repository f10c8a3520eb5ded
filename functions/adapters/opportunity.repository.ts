/**
 * Opportunities in the single table: the record with its list keys, the lookup item of its number,
 * the reference items of its company and person, and its subscribers' subscription items, all written
 * in one transaction with optimistic versioning; numbers come from an atomic counter.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import {
  type Opportunity,
  opportunityStatuses,
  parseOpportunityNumber,
} from '../../domain/opportunities/opportunity.ts';
import { pipelineStages } from '../../domain/pipelines/pipeline.ts';
import { conflict, unprocessable } from '../../domain/shared/errors.ts';
import { fromStoredMoney, toStoredMoney } from '../../domain/shared/money.ts';
import {
  companiesByRelationshipPartition,
  companyKey,
  entityTags,
  type IndexName,
  opportunitiesAll,
  opportunitiesAllPartition,
  opportunitiesByResponsible,
  opportunitiesByResponsiblePartition,
  opportunitiesByStep,
  opportunitiesByStepPartition,
  opportunityKey,
  opportunityNumberKey,
  type RecordRef,
  sequenceKey,
  subscriptionKey,
  subscriptionsOfUserPartition,
} from '../shared/table.ts';
import { parseStored } from '../shared/validation.ts';
import { queryIndexPage, queryWholePartition } from './index-page.ts';
import { linkableChecks, type Reference, referenceWrites, type TransactItem } from './references.ts';
import { explainCancellation } from './transactions.ts';

const nullableString = z.nullable(z.string());

/** The stored shape: money as integer cents, everything else as the API shows it. */
export const OpportunityItemSchema = z.object({
  id: z.string(),
  number: z.string(),
  title: z.string(),
  stage: z.enum(pipelineStages),
  status: z.enum(opportunityStatuses),
  pipelineId: z.string(),
  stepId: z.string(),
  probability: z.number(),
  probabilityOverridden: z.boolean(),
  value: z.nullable(z.object({ cents: z.number(), currency: z.string() })),
  source: z.string(),
  tags: z.array(z.string()),
  priority: z.string(),
  responsibleUserId: nullableString,
  companyId: nullableString,
  personId: nullableString,
  deliveryDate: nullableString,
  dealStartDate: nullableString,
  closeDate: nullableString,
  subscriberIds: z.array(z.string()),
  lossReason: nullableString,
  lossComment: nullableString,
  wonAt: nullableString,
  lostAt: nullableString,
  inboxEntryId: nullableString,
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
});

const NumberItem = z.object({ opportunityId: z.string() });
const Counter = z.object({ counter: z.number() });
const MergeState = z.object({ mergingInto: z.optional(z.string()), mergedInto: z.optional(z.string()) });

export const opportunityRef = (id: string): RecordRef => ({ kind: 'OPP', id });

export const opportunityReferences = (opp: Opportunity): Reference[] => [
  ...(opp.companyId ? [{ target: { kind: 'COMPANY' as const, id: opp.companyId }, field: 'companyId' }] : []),
  ...(opp.personId ? [{ target: { kind: 'PERSON' as const, id: opp.personId }, field: 'personId' }] : []),
];

/**
 * gsi1 (the board) holds open opportunities only, so a board reads what it shows and nothing that
 * was closed long ago; gsi2 a user's, gsi4 all of them.
 */
const indexKeys = (opp: Opportunity) => ({
  ...opportunitiesAll(opp.createdAt, opp.id),
  ...(opp.responsibleUserId ? opportunitiesByResponsible(opp.responsibleUserId, opp.createdAt, opp.id) : {}),
  ...(opp.status === 'open' ? opportunitiesByStep(opp.pipelineId, opp.stepId, opp.updatedAt, opp.id) : {}),
});

export const opportunityItem = (opp: Opportunity) => ({
  ...opportunityKey(opp.id),
  ...indexKeys(opp),
  ...entityTags('opportunity', 1),
  ...opp,
  value: opp.value ? toStoredMoney(opp.value) : null,
});

const fromItem = (stored: Record<string, unknown>): Opportunity => {
  const parsed = parseStored(OpportunityItemSchema, stored, 'opportunity');
  return { ...parsed, value: parsed.value ? fromStoredMoney(parsed.value) : null };
};

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

/** A transaction that only collided with another one is tried again this often before the caller hears 409. */
const maxConflictAttempts = 4;

const onlyCollided = (error: unknown): boolean =>
  error instanceof TransactionCanceledException &&
  (error.CancellationReasons ?? []).some((r) => r.Code === 'TransactionConflict') &&
  !(error.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed');

export const createOpportunityRepository = (doc: DynamoDBDocumentClient, tableName: string) => {
  const subscriptionWrites = (
    opp: Opportunity,
    before: readonly string[],
    after: readonly string[],
  ): TransactItem[] => [
    ...before
      .filter((userId) => !after.includes(userId))
      .map((userId) => ({ Delete: { TableName: tableName, Key: subscriptionKey(userId, opp.id) } })),
    ...after
      .filter((userId) => !before.includes(userId))
      .map((userId) => ({
        Put: {
          TableName: tableName,
          Item: {
            ...subscriptionKey(userId, opp.id),
            ...entityTags('opportunity-subscription', 1),
            userId,
            opportunityId: opp.id,
          },
        },
      })),
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
    {
      Put: {
        TableName: tableName,
        Item: opportunityItem(next),
        ConditionExpression: 'version = :expected',
        ExpressionAttributeValues: { ':expected': previous.version },
      },
    },
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
    for (let attempt = 1; ; attempt += 1) {
      try {
        await doc.send(new TransactWriteCommand({ TransactItems: items }));
        return;
      } catch (error) {
        if (onlyCollided(error) && attempt < maxConflictAttempts) {
          await new Promise((resolve) => setTimeout(resolve, 15 * 2 ** attempt * Math.random()));
          continue;
        }
        await onCancelled(error);
      }
    }
  };

  const stale = (previous: Opportunity): never => {
    throw conflict('stale-version', `opportunity ${previous.number} has changed since version ${previous.version}`);
  };

  /** Why a company could not become a customer: gone (422) or being merged (409). */
  const explainCompany = async (companyId: string): Promise<never> => {
    const res = await doc.send(
      new GetCommand({ TableName: tableName, Key: companyKey(companyId), ConsistentRead: true }),
    );
    const state = res.Item ? MergeState.parse(res.Item) : null;
    const into = state?.mergingInto ?? state?.mergedInto;
    if (into) {
      throw conflict('merge-in-progress', `company ${companyId} is being merged into ${into}; retry`, {
        survivorId: into,
      });
    }
    throw unprocessable('companyId', `no company ${companyId}`);
  };

  const get = async (id: string, options: { consistent?: boolean } = {}): Promise<Opportunity | null> => {
    const res = await doc.send(
      new GetCommand({ TableName: tableName, Key: opportunityKey(id), ConsistentRead: options.consistent ?? false }),
    );
    return res.Item ? fromItem(res.Item) : null;
  };

  const queryPage = async (query: {
    index: IndexName;
    partition: string;
    limit: number;
    cursor?: string | undefined;
    filter: (opp: Opportunity) => boolean;
  }): Promise<OpportunityPage> => {
    const page = await queryIndexPage(doc, tableName, { ...query, newestFirst: true });
    return { items: page.items.map(fromItem).filter(query.filter), nextCursor: page.nextCursor };
  };

  return {
    /** The next number of the `OPP` sequence: an atomic ADD, so parallel creations never share one. */
    async nextNumber(): Promise<number> {
      const res = await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: sequenceKey('OPP'),
          UpdateExpression: 'SET #et = :et, #v = :v ADD #counter :one',
          ExpressionAttributeNames: { '#counter': 'counter', '#et': '_et', '#v': '_v' },
          ExpressionAttributeValues: { ':one': 1, ':et': 'sequence', ':v': 1 },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return parseStored(Counter, res.Attributes, 'OPP sequence').counter;
    },

    /**
     * The writes of a new opportunity, for this repository's `create` or a larger transaction (a
     * conversion): the record, its number's lookup item, its links with their checks, its subscriptions.
     */
    createItems(opp: Opportunity): TransactItem[] {
      const number = parseOpportunityNumber(opp.number);
      if (number === null) throw new Error(`not an opportunity number: ${opp.number}`);
      return [
        {
          Put: { TableName: tableName, Item: opportunityItem(opp), ConditionExpression: 'attribute_not_exists(pk)' },
        },
        {
          Put: {
            TableName: tableName,
            Item: { ...opportunityNumberKey(number), ...entityTags('opportunity-number', 1), opportunityId: opp.id },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        ...companions(null, opp),
      ];
    },

    async create(opp: Opportunity): Promise<void> {
      const items = this.createItems(opp);
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
      const res = await doc.send(
        new GetCommand({
          TableName: tableName,
          Key: opportunityNumberKey(number),
          ConsistentRead: options.consistent ?? false,
        }),
      );
      if (!res.Item) return null;
      return get(parseStored(NumberItem, res.Item, 'opportunity number').opportunityId, options);
    },

    /** The writes of a change, conditional on `previous.version`, for a larger transaction. */
    updateItems,

    /** Writes a change if nobody changed the opportunity since `previous`; stale is 409. */
    async update(previous: Opportunity, next: Opportunity): Promise<void> {
      const items = updateItems(previous, next);
      await transact(items, (error) => explain(error, items, next, () => stale(previous)));
    },

    /**
     * Won, in one transaction: the opportunity (conditional on its version) and its company, which
     * becomes a customer (conditional on existing and not being merged away).
     */
    async updateWon(previous: Opportunity, next: Opportunity, now: Date): Promise<void> {
      const items = updateItems(previous, next);
      if (next.companyId) {
        items.push({
          Update: {
            TableName: tableName,
            Key: companyKey(next.companyId),
            UpdateExpression:
              'SET relationship = :customer, gsi2pk = :relationship, version = version + :one, updatedAt = :now',
            ConditionExpression:
              'attribute_exists(pk) AND attribute_not_exists(mergingInto) AND attribute_not_exists(mergedInto)',
            ExpressionAttributeValues: {
              ':customer': 'customer',
              ':relationship': companiesByRelationshipPartition('customer'),
              ':one': 1,
              ':now': now.toISOString(),
            },
          },
        });
      }
      const companyIndex = items.length - 1;
      await transact(items, async (error) => {
        const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];
        if (
          next.companyId &&
          reasons[0]?.Code !== 'ConditionalCheckFailed' &&
          reasons[companyIndex]?.Code === 'ConditionalCheckFailed'
        ) {
          return explainCompany(next.companyId);
        }
        return explain(error, items, next, () => stale(previous));
      });
    },

    /**
     * A page of opportunities, newest first, through the most selective index: the open ones of a
     * step (gsi1), a user's (gsi2), or all (gsi4); the other filters apply to that page.
     */
    async list(query: OpportunityListQuery): Promise<OpportunityPage> {
      const filter = matches(query);
      if (query.status === 'open' && query.pipelineId !== undefined && query.stepId !== undefined) {
        return queryPage({
          index: 'gsi1',
          partition: opportunitiesByStepPartition(query.pipelineId, query.stepId),
          limit: query.limit,
          cursor: query.cursor,
          filter,
        });
      }
      if (query.responsibleUserId !== undefined) {
        return queryPage({
          index: 'gsi2',
          partition: opportunitiesByResponsiblePartition(query.responsibleUserId),
          limit: query.limit,
          cursor: query.cursor,
          filter,
        });
      }
      return queryPage({
        index: 'gsi4',
        partition: opportunitiesAllPartition,
        limit: query.limit,
        cursor: query.cursor,
        filter,
      });
    },

    /** A user's opportunities, newest first, filtered on the page (the board of "my" leads and deals). */
    async listByResponsible(
      userId: string,
      options: { status?: string; stage?: string; limit: number; cursor?: string | undefined },
    ): Promise<OpportunityPage> {
      return queryPage({
        index: 'gsi2',
        partition: opportunitiesByResponsiblePartition(userId),
        limit: options.limit,
        cursor: options.cursor,
        filter: matches({ status: options.status, stage: options.stage }),
      });
    },

    /** The opportunities a user subscribes to (their subscription items), at most `limit`. */
    async listSubscribedBy(userId: string, limit: number): Promise<Opportunity[]> {
      const res = await doc.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': subscriptionsOfUserPartition(userId) },
          Limit: limit,
        }),
      );
      const ids = (res.Items ?? []).map((item) => String(item.sk).replace(/^OPP#/, ''));
      if (ids.length === 0) return [];
      const got = await doc.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: ids.map((id) => opportunityKey(id)) } } }),
      );
      const byId = new Map((got.Responses?.[tableName] ?? []).map((item) => [String(item.id), fromItem(item)]));
      return ids.flatMap((id) => byId.get(id) ?? []);
    },

    /** Every open opportunity on a step, last changed first (a board column; all of them, for its sums). */
    async openOnStep(pipelineId: string, stepId: string): Promise<Opportunity[]> {
      const found = (
        await queryWholePartition(doc, tableName, {
          index: 'gsi1',
          partition: opportunitiesByStepPartition(pipelineId, stepId),
          newestFirst: true,
        })
      ).map(fromItem);
      // the index is eventually consistent: an item read just as it closed may still carry the key
      return found.filter((opp) => opp.status === 'open');
    },

    /** Whether any open opportunity stands on a step (a pipeline change may not remove such a step). */
    async hasOpenOnStep(pipelineId: string, stepId: string): Promise<boolean> {
      const res = await doc.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': opportunitiesByStepPartition(pipelineId, stepId) },
          Limit: 1,
          Select: 'COUNT',
        }),
      );
      return (res.Count ?? 0) > 0;
    },
  };
};

export type OpportunityRepository = ReturnType<typeof createOpportunityRepository>;
