/** Composing one DynamoDB transaction from the parts several records contribute. */
// In shared/: it knows no noun (references.ts explains a failed link check), and its parts come from several.
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';

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
