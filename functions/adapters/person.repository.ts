/** Persons and the lookup items that find them by normalised email, written in one transaction. */
import { type DynamoDBDocumentClient, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { normaliseEmail } from '../../domain/shared/normalise-email.ts';
import { entityTags, personByEmail, personByEmailPartition, personKey } from '../shared/table.ts';

/** The fields this flows need; the full person arrives with persons and companies. */
export type PersonRecord = { id: string; firstName: string; lastName: string; emails: string[]; createdAt: string };

/** A duplicate check never reads more than this many items from one lookup. */
export const maxLookupItems = 50;

export const createPersonRepository = (doc: DynamoDBDocumentClient, tableName: string) => ({
  async create(person: PersonRecord): Promise<void> {
    const emails = [...new Set(person.emails.map(normaliseEmail))];
    await doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName,
              Item: {
                ...personKey(person.id),
                ...entityTags('person', 1),
                ...person,
                version: 1,
                updatedAt: person.createdAt,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          ...emails.map((email) => ({
            Put: {
              TableName: tableName,
              Item: {
                ...personByEmail(email, person.id),
                ...entityTags('person-email-lookup', 1),
                personId: person.id,
              },
            },
          })),
        ],
      }),
    );
  },

  /** Ids of persons holding this email: one Query on the lookup partition, at most 50 items. */
  async findIdsByEmail(email: string): Promise<string[]> {
    const res = await doc.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': personByEmailPartition(normaliseEmail(email)) },
        ProjectionExpression: 'personId',
        Limit: maxLookupItems,
      }),
    );
    return (res.Items ?? []).map((item) => String(item.personId));
  },
});

export type PersonRepository = ReturnType<typeof createPersonRepository>;
