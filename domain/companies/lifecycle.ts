/**
 * The lifecycle stage (DispoCalc: Allgemeiner Kontakt → Lead → Interessent → Kunde): how far a
 * company, or a person without a company (B2C), has come with us, and how it got there.
 *
 * The pipeline raises it where it implies one — a converted inbox entry makes a lead, an open deal a
 * prospect, a won deal a customer — and never lowers it; a user may set any stage by hand.
 *
 * "Is a customer" has one source of truth, the stage: a company's `relationship` (the kind of
 * relationship: prospect, supplier, partner) reads `customer` exactly when its stage is `customer`.
 * Every change of either goes through this module, which keeps the two in step: a stage of customer
 * makes the relationship customer; a relationship set to customer makes the stage customer; a
 * customer set back to a lower stage, or to another relationship, becomes a prospect in both.
 * Records stored before the stage existed read as `customer` when their relationship is, else
 * `general` (see `stageOf`), so stored data needs no rewrite and the two agree from the first read.
 */
import { unprocessable } from '../shared/errors.ts';

export const lifecycleStages = ['general', 'lead', 'prospect', 'customer'] as const;
export type LifecycleStage = (typeof lifecycleStages)[number];

/** What moved a stage: a user by hand, or an event of the pipeline (an inbox entry converted, a new lead, a deal, a win; with the opportunity). */
export const stageCauses = ['user', 'conversion', 'lead', 'deal', 'won', 'relationship', 'merge'] as const;
export type StageCause = (typeof stageCauses)[number];

export type StageChange = {
  from: LifecycleStage | null;
  to: LifecycleStage;
  at: string;
  by: StageCause;
  /** the user who changed it (by hand, or whose action raised it) */
  userId?: string;
  /** the record whose event raised it: the opportunity of a conversion, a deal or a win */
  recordId?: string;
};

/** What a stage change is attributed to. */
export type StageEvent = { by: StageCause; userId?: string | null | undefined; recordId?: string | null | undefined };

/** The part of a company or person that carries a stage. */
export type Staged = {
  lifecycleStage?: LifecycleStage;
  stageHistory?: StageChange[];
  relationship?: string;
};

/** The newest changes kept per record: a stage set back and forth by hand must not grow the item without bound. */
export const maxStageHistory = 100;

const rank: Record<LifecycleStage, number> = { general: 0, lead: 1, prospect: 2, customer: 3 };

/** The higher of two stages (a merge keeps the further one). */
export const furtherStage = (a: LifecycleStage, b: LifecycleStage): LifecycleStage => (rank[b] > rank[a] ? b : a);

/** The stage of a record: as stored; for a record stored before stages, `customer` if its relationship is, else `general`. */
export const stageOf = (record: Staged): LifecycleStage =>
  record.lifecycleStage ?? (record.relationship === 'customer' ? 'customer' : 'general');

/** The stage the pipeline implies for an opportunity's contact: won a customer, a deal a prospect, a lead a lead. */
export const stageImplied = (opp: { stage: 'lead' | 'deal'; status: string }): LifecycleStage | null => {
  if (opp.status === 'won') return 'customer';
  if (opp.status !== 'open') return null;
  return opp.stage === 'deal' ? 'prospect' : 'lead';
};

const change = (from: LifecycleStage | null, to: LifecycleStage, at: string, event: StageEvent): StageChange => ({
  from,
  to,
  at,
  by: event.by,
  ...(event.userId ? { userId: event.userId } : {}),
  ...(event.recordId ? { recordId: event.recordId } : {}),
});

/**
 * The record at stage `to`, with the change in its history (unchanged when it is at `to` already);
 * a company's relationship follows (see the module's comment). Version and times are the caller's.
 */
export const withStage = <T extends Staged>(record: T, to: LifecycleStage, at: string, event: StageEvent): T => {
  const from = stageOf(record);
  if (from === to && record.lifecycleStage !== undefined) return record;
  const history = record.stageHistory ?? [];
  const next: T = {
    ...record,
    lifecycleStage: to,
    stageHistory: from === to ? history : [...history, change(from, to, at, event)].slice(-maxStageHistory),
  };
  if (record.relationship !== undefined) {
    if (to === 'customer') next.relationship = 'customer';
    else if (record.relationship === 'customer') next.relationship = 'prospect';
  }
  return next;
};

/** The record raised to `to` by the pipeline: a stage already as far or further stays. */
export const raiseStage = <T extends Staged>(record: T, to: LifecycleStage, at: string, event: StageEvent): T =>
  rank[to] > rank[stageOf(record)] ? withStage(record, to, at, event) : record;

/** A new record's stage and its first history entry. */
export const initialStage = (
  to: LifecycleStage,
  at: string,
  event: StageEvent,
): { lifecycleStage: LifecycleStage; stageHistory: StageChange[] } => ({
  lifecycleStage: to,
  stageHistory: [change(null, to, at, event)],
});

/** A stage and a relationship given together must agree on "customer" (422 naming `relationship`). */
export const requireAgreement = (
  lifecycleStage: LifecycleStage | undefined,
  relationship: string | undefined,
): void => {
  if (
    lifecycleStage !== undefined &&
    relationship !== undefined &&
    (lifecycleStage === 'customer') !== (relationship === 'customer')
  ) {
    throw unprocessable(
      'relationship',
      `is customer exactly when lifecycleStage is customer (got relationship ${relationship}, lifecycleStage ${lifecycleStage})`,
    );
  }
};

/**
 * A change by hand of a company's relationship and/or stage, kept in step: a relationship of
 * customer is the stage customer and back; a customer given another relationship becomes a
 * prospect; a customer set to a lower stage keeps no customer relationship. Contradicting values
 * in one change are refused, naming `relationship`.
 */
export const changedByHand = <T extends Staged & { relationship: string }>(
  record: T,
  change: { lifecycleStage?: LifecycleStage | undefined; relationship?: T['relationship'] | undefined },
  at: string,
  userId: string | null,
): T => {
  const { lifecycleStage, relationship } = change;
  requireAgreement(lifecycleStage, relationship);
  const byUser: StageEvent = { by: 'user', userId };
  if (lifecycleStage !== undefined) {
    const staged = withStage(record, lifecycleStage, at, byUser);
    return relationship === undefined || lifecycleStage === 'customer' ? staged : { ...staged, relationship };
  }
  if (relationship === undefined) return record;
  if (relationship === 'customer') return withStage(record, 'customer', at, { by: 'relationship', userId });
  const wasCustomer = stageOf(record) === 'customer';
  const next = { ...record, relationship };
  return wasCustomer ? { ...withStage(next, 'prospect', at, { by: 'relationship', userId }), relationship } : next;
};

/** Two records become one: the further stage, both histories by time (the merge noted when it raised the survivor). */
export const mergedStage = (
  survivor: Staged,
  duplicate: Staged,
  at: string,
): { lifecycleStage: LifecycleStage; stageHistory: StageChange[] } => {
  const kept = stageOf(survivor);
  const stage = furtherStage(kept, stageOf(duplicate));
  const history = [...(survivor.stageHistory ?? []), ...(duplicate.stageHistory ?? [])].sort((a, b) =>
    a.at.localeCompare(b.at),
  );
  return {
    lifecycleStage: stage,
    stageHistory: (stage === kept ? history : [...history, change(kept, stage, at, { by: 'merge' })]).slice(
      -maxStageHistory,
    ),
  };
};
