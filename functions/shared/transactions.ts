/** Composing one DynamoDB transaction from the parts several records contribute. */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { conflict, unprocessable } from '../../domain/shared/errors.ts';
import { type Reference, recordKey } from '../adapters/references.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** DynamoDB's limit on the items of one transaction. */
export const maxTransactionItems = 100;

const keyOf = (item: TransactItem): string | null => {
  const key = item.Put?.Item ?? item.Update?.Key ?? item.Delete?.Key ?? item.ConditionCheck?.Key;
  return key ? `${String(key.pk)}|${String(key.sk)}` : null;
};

/**
 * One transaction may touch an item once: a link's "target exists" check is dropped when the same
 * transaction creates the target (a person linked to the company created with it), and kept once
 * when several records of the transaction link the same target.
 */
export const composeTransaction = (items: readonly TransactItem[]): TransactItem[] => {
  const written = new Set(items.filter((i) => !i.ConditionCheck).map(keyOf));
  // several records linking one target each bring the same "target exists" check: keep one
  const checked = new Set<string | null>();
  const composed = items.filter((i) => {
    if (!i.ConditionCheck) return true;
    const key = keyOf(i);
    if (written.has(key) || checked.has(key)) return false;
    checked.add(key);
    return true;
  });
  if (composed.length > maxTransactionItems) {
    throw new Error(`a transaction of ${composed.length} items exceeds DynamoDB's ${maxTransactionItems}`);
  }
  return composed;
};

/**
 * Turns a cancelled transaction into what the client did wrong, or rethrows it: the first item's
 * condition (the record's own: version, existence) failing is `onRecordCondition`; a failed "link
 * target exists" check is a 422 naming the link's field; a conflict with a concurrent transaction is
 * a 409 to retry. Anything else is not the client's doing and is rethrown.
 */
export const explainCancellation = (
  error: unknown,
  options: {
    items: readonly TransactItem[];
    links: readonly Reference[];
    onRecordCondition: () => never;
    conflictDetail: string;
  },
): never => {
  if (error instanceof TransactionCanceledException) {
    const reasons = error.CancellationReasons ?? [];
    if (reasons[0]?.Code === 'ConditionalCheckFailed') options.onRecordCondition();
    for (const [index, reason] of reasons.entries()) {
      const check = options.items[index]?.ConditionCheck;
      if (reason.Code !== 'ConditionalCheckFailed' || !check) continue;
      const target = options.links.find((l) => recordKey(l.target).pk === check.Key?.pk);
      if (target) throw unprocessable(target.field, `${target.target.id} does not exist or is being merged`);
    }
    if (reasons.some((r) => r.Code === 'TransactionConflict'))
      throw conflict('concurrent-change', options.conflictDetail);
  }
  throw error;
};
