/**
 * Brings persons and companies stored before lifecycle stages and the company's main contact to the
 * current layout, once:
 * - a company without a stage gets the one its relationship implies (`customer` for a customer,
 *   else `general`; domain/companies/lifecycle.ts `stageOf`, which reads them so until then), and
 *   an empty history (nobody knows how it got there);
 * - a company without a main contact gets the person its persons' old flag `isMainContact` named
 *   (the earliest created, when several were flagged), with the reference item that lets a person
 *   merge move it, in one transaction conditional on the company still naming none and the person
 *   still working there.
 * - the reference items of activities, emails, opportunities and tickets that link a company get the
 *   keys of the company's timeline index (reference.entity.ts `companyTimeline`): the timeline of
 *   what happened before it existed.
 * One Scan of the table; idempotent (a second run finds nothing to do). The local stack runs it by
 * itself when its marker is older; on AWS, `npm run migrate -- --aws --table <TableName>`.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { stageOf } from '../../domain/companies/lifecycle.ts';
import { companies } from '../../functions/contacts/company.entity.ts';
import { persons } from '../../functions/contacts/person.entity.ts';
import {
  referenceItem,
  references,
  referencesToKind,
  referenceTarget,
  timelineAttributes,
} from '../../functions/contacts/reference.entity.ts';
import { createStore } from '../../functions/shared/store.ts';
import { markMigrated, migratedLayout } from './migration-markers.ts';

const migration = 'contacts';
export const contactsLayout = 2;

export type ContactsMigrationResult = {
  stagesSet: number;
  mainContactsSet: number;
  timelineEntries: number;
  changedMeanwhile: number;
};

export const contactsUpToDate = async (doc: DynamoDBDocumentClient, tableName: string): Promise<boolean> =>
  ((await migratedLayout(doc, tableName, migration)) ?? 0) >= contactsLayout;

export const migrateContacts = async (
  doc: DynamoDBDocumentClient,
  tableName: string,
): Promise<ContactsMigrationResult> => {
  const store = createStore(doc, tableName);
  const marker = await migratedLayout(doc, tableName, migration);
  // the persons' old flag names main contacts once, on the first run: afterwards the companies are
  // the one source of truth, and a flag left on a person must not bring back a main contact a user removed
  const namesMainContacts = marker === null;
  const result: ContactsMigrationResult = { stagesSet: 0, mainContactsSet: 0, timelineEntries: 0, changedMeanwhile: 0 };
  const onTimeline: Record<string, unknown>[] = [];
  const unstaged: { id: string; stage: string }[] = [];
  const withoutMainContact = new Set<string>();
  /** per company, the earliest created person flagged as its main contact */
  const flagged = new Map<string, { id: string; createdAt: string }>();
  let start: Record<string, unknown> | undefined;
  do {
    const res = await doc.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression:
          '(#et IN (:company, :person) AND attribute_not_exists(mergedInto)) OR (#et = :reference AND begins_with(pk, :toCompany) AND attribute_not_exists(#timeline))',
        ExpressionAttributeNames: { '#et': '_et', '#timeline': timelineAttributes.pk },
        ExpressionAttributeValues: {
          ':company': companies.name,
          ':person': persons.name,
          ':reference': references.name,
          ':toCompany': referencesToKind('COMPANY'),
        },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of res.Items ?? []) {
      if (item._et === references.name) {
        const reference = references.parse(item);
        const target = referenceTarget(item);
        if (target?.kind !== 'COMPANY') continue;
        const written = referenceItem(target, { kind: reference.fromKind, id: reference.fromId }, reference.field);
        if (written[timelineAttributes.pk] !== undefined) onTimeline.push(written);
      } else if (item._et === companies.name) {
        const company = companies.parse(item);
        if (company.lifecycleStage === undefined) unstaged.push({ id: company.id, stage: stageOf(company) });
        if (company.mainContactId === undefined) withoutMainContact.add(company.id);
      } else {
        const person = persons.parse(item);
        if (!person.isMainContact || !person.companyId) continue;
        const known = flagged.get(person.companyId);
        if (!known || person.createdAt < known.createdAt) {
          flagged.set(person.companyId, { id: person.id, createdAt: person.createdAt });
        }
      }
    }
    start = res.LastEvaluatedKey;
  } while (start);

  // a reference deleted meanwhile (its link moved) must not come back: each put is conditional on it
  for (const item of onTimeline) {
    try {
      await doc.send(new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_exists(pk)' }));
      result.timelineEntries += 1;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      result.changedMeanwhile += 1;
    }
  }

  for (const { id, stage } of unstaged) {
    try {
      await store.update(companies.key(id), {
        // a new version, so a change that read the company before cannot write over the stage
        expression:
          'SET lifecycleStage = :stage, stageHistory = if_not_exists(stageHistory, :none), version = version + :one',
        condition: 'attribute_exists(pk) AND attribute_not_exists(lifecycleStage) AND attribute_not_exists(mergedInto)',
        values: { ':stage': stage, ':none': [], ':one': 1 },
      });
      result.stagesSet += 1;
    } catch (error) {
      // set meanwhile by a change that went through lifecycle.ts: nothing to do
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      result.changedMeanwhile += 1;
    }
  }

  for (const [companyId, person] of namesMainContacts ? flagged : new Map()) {
    if (!withoutMainContact.has(companyId)) continue;
    try {
      await store.transact([
        {
          Update: {
            TableName: tableName,
            Key: companies.key(companyId),
            UpdateExpression: 'SET mainContactId = :person, version = version + :one',
            ConditionExpression:
              'attribute_exists(pk) AND attribute_not_exists(mainContactId) AND attribute_not_exists(mergingInto) AND attribute_not_exists(mergedInto)',
            ExpressionAttributeValues: { ':person': person.id, ':one': 1 },
          },
        },
        {
          Put: {
            TableName: tableName,
            Item: referenceItem({ kind: 'PERSON', id: person.id }, { kind: 'COMPANY', id: companyId }, 'mainContactId'),
          },
        },
        {
          ConditionCheck: {
            TableName: tableName,
            Key: persons.key(person.id),
            ConditionExpression: 'companyId = :company AND attribute_not_exists(mergingInto)',
            ExpressionAttributeValues: { ':company': companyId },
          },
        },
      ]);
      result.mainContactsSet += 1;
    } catch (error) {
      // a main contact named meanwhile, or the person left or is being merged: the data as it is now stands
      if (!(error instanceof TransactionCanceledException)) throw error;
      result.changedMeanwhile += 1;
    }
  }

  await markMigrated(doc, tableName, migration, contactsLayout);
  return result;
};
