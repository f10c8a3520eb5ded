// Two deliveries of one lead at the same moment conflict on its guard in AWS (DynamoDB Local runs
// transactions one after another and cannot show it): the conflict is retried, never a 500.
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createInboxEntry } from '../../../domain/inbox/inbox-entry.ts';
import {
  createInboxEntryRepository,
  IdempotencyKeyTakenError,
} from '../../../functions/inbox/inbox-entry.repository.ts';

const cancelled = (codes: string[]) =>
  new TransactionCanceledException({
    $metadata: { httpStatusCode: 400 },
    message: 'Transaction cancelled',
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

const setup = () => {
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
  const mock = mockClient(doc);
  const entry = createInboxEntry(
    {
      id: 'E1',
      source: 'webform',
      priority: 'normal',
      responsibleUserId: null,
      contact: { lastName: 'M' },
      raw: {},
      createdBy: null,
    },
    new Date('2026-06-01T10:00:00Z'),
  );
  const guard = {
    key: { pk: 'IDEMPOTENCY#webform:demo#k1', sk: 'IDEMPOTENCY' },
    record: { _et: 'idempotency' },
    nowEpoch: 1,
  };
  return { repo: createInboxEntryRepository(doc, 'table'), mock, entry, guard };
};

describe('storing a new inbox entry with its guard while another delivery of it is being stored', () => {
  it('tries again after a transaction conflict and stores it once the other has gone', async () => {
    const { repo, mock, entry, guard } = setup();
    mock
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled(['None', 'TransactionConflict']))
      .resolves({});

    await repo.create(entry, guard);

    expect(mock.commandCalls(TransactWriteCommand)).toHaveLength(2);
  });

  it('finds the guard taken once the other delivery has committed: the first answer, not a 500', async () => {
    const { repo, mock, entry, guard } = setup();
    const guardIsLast = (n: number) => [...Array(n - 1).fill('None'), 'ConditionalCheckFailed'];
    mock.on(TransactWriteCommand).callsFake((input: { TransactItems?: unknown[] }) => {
      const count = input.TransactItems?.length ?? 1;
      throw mock.commandCalls(TransactWriteCommand).length === 1
        ? cancelled([...Array(count - 1).fill('None'), 'TransactionConflict'])
        : cancelled(guardIsLast(count));
    });

    await expect(repo.create(entry, guard)).rejects.toBeInstanceOf(IdempotencyKeyTakenError);
  });
});
