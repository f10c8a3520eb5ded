// A cancelled transaction explained to the client: which failed condition means what.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { KontaktError } from '../../../domain/shared/errors.ts';
import { explainCancellation, type TransactItem } from '../../../functions/contacts/references.ts';

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

const record: TransactItem = {
  Put: { TableName: 't', Item: { pk: 'OPP#1', sk: 'OPP' }, ConditionExpression: 'version = :expected' },
};
const companyAtVersion: TransactItem = {
  Put: {
    TableName: 't',
    Item: { pk: 'COMPANY#1', sk: 'COMPANY' },
    ConditionExpression:
      'version = :expected AND attribute_not_exists(mergingInto) AND attribute_not_exists(mergedInto)',
  },
};
const rateCounter: TransactItem = {
  Update: {
    TableName: 't',
    Key: { pk: 'RATE#x', sk: 'RATE' },
    UpdateExpression: 'ADD n :one',
    ConditionExpression: 'n < :max',
  },
};

const explained = (error: unknown, items: TransactItem[]): unknown => {
  try {
    return explainCancellation(error, {
      items,
      links: [],
      onRecordCondition: () => {
        throw new KontaktError('stale-version', 'stale');
      },
      conflictDetail: 'changed by another request; retry',
    });
  } catch (thrown) {
    return thrown;
  }
};

describe('explaining a cancelled transaction', () => {
  it('answers 409 concurrent-change when another record written at the version it was read changed meanwhile', () => {
    expect(explained(cancelled('None', 'ConditionalCheckFailed'), [record, companyAtVersion])).toMatchObject({
      code: 'concurrent-change',
    });
  });

  it('leaves any other failed condition (a guard, a rate counter) to the caller, unexplained', () => {
    const error = cancelled('None', 'ConditionalCheckFailed');
    expect(explained(error, [record, rateCounter])).toBe(error);
  });

  it('answers the record’s own condition first', () => {
    expect(
      explained(cancelled('ConditionalCheckFailed', 'ConditionalCheckFailed'), [record, companyAtVersion]),
    ).toMatchObject({
      code: 'stale-version',
    });
  });
});
