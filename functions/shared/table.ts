import { createHash } from 'node:crypto';

/**
 * The single table's shape and every key Kontakt writes, named after the access patterns they serve.
 * No other module builds a key. docs/data-model.md lists the patterns and the key or index for each.
 */

export const tableDefinition = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'ttl',
  /** generic overloaded indexes (ElectroDB / dynamodb-toolbox style); each entity documents its use */
  indexes: {
    gsi1: { partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    gsi2: { partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    /** sparse: only items waiting for background work carry it */
    gsi3: { partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
    /** everything of a kind, newest first (the unfiltered lists) */
    gsi4: { partitionKey: 'gsi4pk', sortKey: 'gsi4sk' },
  },
} as const;

export type IndexName = keyof typeof tableDefinition.indexes;

export type Key = { pk: string; sk: string };

/** Sort keys that list newest last and stay unique: `<ISO timestamp>#<id>`. */
const timeOrdered = (at: string, id: string): string => `${at}#${id}`;

// Inbox entries ---------------------------------------------------------------------------------
export const inboxEntryKey = (id: string): Key => ({ pk: `INBOX#${id}`, sk: 'INBOX' });
/** gsi1: inbox by processing status, newest first */
export const inboxByStatus = (status: string, createdAt: string, id: string) => ({
  gsi1pk: `INBOX#STATUS#${status}`,
  gsi1sk: timeOrdered(createdAt, id),
});
/** gsi2: inbox by responsible user, newest first */
export const inboxByResponsible = (userId: string, createdAt: string, id: string) => ({
  gsi2pk: `INBOX#USER#${userId}`,
  gsi2sk: timeOrdered(createdAt, id),
});
/** gsi4: every inbox entry except spam, newest first (the default list) */
export const inboxAll = (createdAt: string, id: string) => ({ gsi4pk: 'INBOX', gsi4sk: timeOrdered(createdAt, id) });
/** gsi1 for spam: archived as spam, kept apart from the status lists until it expires */
export const inboxSpam = (createdAt: string, id: string) => ({
  gsi1pk: 'INBOX#SPAM',
  gsi1sk: timeOrdered(createdAt, id),
});
/**
 * search item: one per search token of an entry, in the partition of the token's first two
 * characters, sorted by token and, within a token, newest first; a prefix search is one Query with
 * `begins_with` on the sort key.
 */
export type SearchScope = 'INBOX' | 'PERSON' | 'COMPANY';
export const searchPartition = (scope: SearchScope, word: string): string => `${scope}Q#${word.slice(0, 2)}`;
const newestFirst = (iso: string): string => String(9_999_999_999_999 - Date.parse(iso)).padStart(13, '0');
export const searchItemKey = (scope: SearchScope, token: string, createdAt: string, id: string): Key => ({
  pk: searchPartition(scope, token),
  sk: `${token}#${newestFirst(createdAt)}#${id}`,
});
export const inboxSearchPartition = (word: string): string => searchPartition('INBOX', word);
export const inboxSearchItem = (token: string, createdAt: string, id: string): Key =>
  searchItemKey('INBOX', token, createdAt, id);
/** gsi3 (sparse): entries whose duplicate check is still pending, oldest first, for the sweeper */
export const pendingDuplicateCheckPartition = 'DUPCHECK#PENDING';
export const pendingDuplicateCheck = (createdAt: string, id: string) => ({
  gsi3pk: pendingDuplicateCheckPartition,
  gsi3sk: timeOrdered(createdAt, id),
});

// Persons and companies ----------------------------------------------------------------------------
export const personKey = (id: string): Key => ({ pk: `PERSON#${id}`, sk: 'PERSON' });
/** gsi4: every person, newest first */
export const personsAllPartition = 'PERSONS';
export const personsAll = (createdAt: string, id: string) => ({
  gsi4pk: personsAllPartition,
  gsi4sk: timeOrdered(createdAt, id),
});
/** gsi1: the persons of a company, by folded last name */
export const personsByCompanyPartition = (companyId: string): string => `PERSONS#COMPANY#${companyId}`;
export const personsByCompany = (companyId: string, name: string, id: string) => ({
  gsi1pk: personsByCompanyPartition(companyId),
  gsi1sk: `${name}#${id}`,
});
export const companyKey = (id: string): Key => ({ pk: `COMPANY#${id}`, sk: 'COMPANY' });
/** gsi4: every company, newest first */
export const companiesAllPartition = 'COMPANIES';
export const companiesAll = (createdAt: string, id: string) => ({
  gsi4pk: companiesAllPartition,
  gsi4sk: timeOrdered(createdAt, id),
});
/** gsi1: the branches and subsidiaries of a company, by folded name */
export const companiesByParentPartition = (parentId: string): string => `COMPANIES#PARENT#${parentId}`;
export const companiesByParent = (parentId: string, name: string, id: string) => ({
  gsi1pk: companiesByParentPartition(parentId),
  gsi1sk: `${name}#${id}`,
});
/** gsi2: companies by relationship (prospects, customers, …), by folded name */
export const companiesByRelationshipPartition = (relationship: string): string => `COMPANIES#REL#${relationship}`;
export const companiesByRelationship = (relationship: string, name: string, id: string) => ({
  gsi2pk: companiesByRelationshipPartition(relationship),
  gsi2sk: `${name}#${id}`,
});

/** The kinds of record that other records point at, and that lookup items and references name. */
export type RecordKind = 'PERSON' | 'COMPANY' | 'INBOX' | 'OPP' | 'ACT';
export type RecordRef = { kind: RecordKind; id: string };
export const recordKey = (ref: RecordRef): Key => ({ pk: `${ref.kind}#${ref.id}`, sk: ref.kind });

/**
 * lookup item: a record under one of its duplicate-protection keys (normalised email, E.164 phone,
 * phonetic name + postcode, company key, …), carrying the record's match profile, so a check reads
 * one partition per key and never the records themselves.
 */
export const lookupPartition = (lookupKey: string): string => `LOOKUP#${lookupKey}`;
/**
 * Persons and companies sort before inbox entries, so that a lookup read capped at 50 items never
 * loses the master data behind a crowd of leads sharing, say, a company's domain; within each, items
 * sort by the key's refinement (`LookupKey.refine`), so a crowded partition can be read again narrowed
 * to the probe's refinement with `begins_with(sk, …)` on `lookupRefinedPrefixes(refine)`.
 */
export const lookupItemKey = (lookupKey: string, refine: string, owner: RecordRef): Key => ({
  pk: lookupPartition(lookupKey),
  sk: `${owner.kind === 'INBOX' ? 2 : 1}#${refine}#${owner.kind}#${owner.id}`,
});
/** The sort-key prefixes of one refinement in a lookup partition: its persons and companies, its inbox entries. */
export const lookupRefinedPrefixes = (refine: string): [string, string] => [`1#${refine}#`, `2#${refine}#`];
/** A lookup item as the version before refinements wrote it (layout 1), still read until the backfill replaces it. */
export const firstLayoutLookupItemKey = (lookupKey: string, owner: RecordRef): Key => ({
  pk: lookupPartition(lookupKey),
  sk: `${owner.kind === 'INBOX' ? 2 : 1}#${owner.kind}#${owner.id}`,
});

/**
 * frequency counter: how many stored persons (or companies) carry one value (`P|ln|mueller`, a scope's
 * total `P|*`), spread over `frequencyShards` items so that no single item takes every write of a
 * common value; the count is the sum of the shards, which share the value's partition so that a
 * check reads them with one Query (0.5 RCU) instead of one read each. Written by the frequency
 * counter (from the table's stream, outside the record's transaction), read by every duplicate check.
 */
export const frequencyShards = 4;
export const frequencyPartition = (value: string): string => {
  const encoded = encodeURIComponent(value);
  // a value too long for a readable key gets its hash, so two long values never share a counter
  return encoded.length <= 400 ? `FREQ#${encoded}` : `FREQ#sha256:${createHash('sha256').update(value).digest('hex')}`;
};
export const frequencyCounterKey = (value: string, shard: number): Key => ({
  pk: frequencyPartition(value),
  sk: `SHARD#${shard}`,
});
/** guard: one change of a record (a stream event) is counted once, however often it is delivered */
export const frequencyEventKey = (eventId: string): Key => ({ pk: `FREQEVENT#${eventId}`, sk: 'FREQEVENT' });

/** gsi3 (sparse): merges that started and have not finished, oldest first, for the merge resumer */
export const pendingMergesPartition = 'MERGE#PENDING';
export const pendingMerge = (startedAt: string, kind: RecordKind, id: string) => ({
  gsi3pk: pendingMergesPartition,
  gsi3sk: `${startedAt}#${kind}#${id}`,
});

/**
 * reference item: "record `from` points at `target` through `field`" (a person's companyId, a
 * supervisorId, an inbox entry's personId, …), written with the pointing record, so a merge finds
 * every link of a record in one partition, with strongly consistent reads.
 */
export const referencesTo = (target: RecordRef): string => `REFS#${target.kind}#${target.id}`;
export const referenceKey = (target: RecordRef, from: RecordRef, field: string): Key => ({
  pk: referencesTo(target),
  sk: `${from.kind}#${from.id}#${field}`,
});

// Opportunities, pipelines, activities ----------------------------------------------------------
export const opportunityKey = (id: string): Key => ({ pk: `OPP#${id}`, sk: 'OPP' });
/** lookup item: an opportunity by its number (`OPP-42` → 42), written in the opportunity's transaction */
export const opportunityNumberKey = (number: number): Key => ({ pk: `OPPNUMBER#${number}`, sk: 'OPPNUMBER' });
/** gsi4: every opportunity, newest first */
export const opportunitiesAllPartition = 'OPPS';
export const opportunitiesAll = (createdAt: string, id: string) => ({
  gsi4pk: opportunitiesAllPartition,
  gsi4sk: timeOrdered(createdAt, id),
});
/** gsi1: the opportunities on one step of a pipeline (the board), last changed first */
export const opportunitiesByStepPartition = (pipelineId: string, stepId: string): string =>
  `OPP#PIPELINE#${pipelineId}#STEP#${stepId}`;
export const opportunitiesByStep = (pipelineId: string, stepId: string, updatedAt: string, id: string) => ({
  gsi1pk: opportunitiesByStepPartition(pipelineId, stepId),
  gsi1sk: timeOrdered(updatedAt, id),
});
/** gsi2: a user's opportunities, newest first */
export const opportunitiesByResponsiblePartition = (userId: string): string => `OPP#USER#${userId}`;
export const opportunitiesByResponsible = (userId: string, createdAt: string, id: string) => ({
  gsi2pk: opportunitiesByResponsiblePartition(userId),
  gsi2sk: timeOrdered(createdAt, id),
});
export const pipelineKey = (id: string): Key => ({ pk: `PIPELINE#${id}`, sk: 'PIPELINE' });
/** gsi1: every stored pipeline by stage and name */
export const pipelinesAllPartition = 'PIPELINES';
export const pipelinesAll = (stage: string, name: string, id: string) => ({
  gsi1pk: pipelinesAllPartition,
  gsi1sk: `${stage}#${name.toLowerCase()}#${id}`,
});
export const activityKey = (id: string): Key => ({ pk: `ACT#${id}`, sk: 'ACT' });
/** gsi2: an opportunity's activities, chronological */
export const activitiesByOpportunityPartition = (opportunityId: string): string => `ACT#OPP#${opportunityId}`;
export const activitiesByOpportunity = (opportunityId: string, dueAt: string, id: string) => ({
  gsi2pk: activitiesByOpportunityPartition(opportunityId),
  gsi2sk: timeOrdered(dueAt, id),
});
/**
 * gsi1: a user's activities of one status by due time; open ones apart, so a to-do list or the board
 * never reads through years of done activities
 */
export const activitiesByResponsiblePartition = (userId: string, status: string): string =>
  `ACT#USER#${userId}#${status}`;
export const activitiesByResponsible = (userId: string, status: string, dueAt: string, id: string) => ({
  gsi1pk: activitiesByResponsiblePartition(userId, status),
  gsi1sk: timeOrdered(dueAt, id),
});
/** gsi3 (sparse): open activities whose reminder has not been sent, by due time, for the reminder job */
export const dueActivitiesPartition = 'ACT#DUE';
export const dueActivity = (dueAt: string, id: string) => ({
  gsi3pk: dueActivitiesPartition,
  gsi3sk: timeOrdered(dueAt, id),
});
/** a user's subscription to an opportunity (the board's "my subscriptions"), written with the opportunity's change */
export const subscriptionsOfUserPartition = (userId: string): string => `SUBS#USER#${userId}`;
export const subscriptionKey = (userId: string, opportunityId: string): Key => ({
  pk: subscriptionsOfUserPartition(userId),
  sk: `OPP#${opportunityId}`,
});
/** guard: an activity plan is scheduled once per opportunity, plan and start date */
export const activityPlanRunKey = (runHash: string): Key => ({ pk: `ACTPLAN#${runHash}`, sk: 'ACTPLAN' });

// Users ------------------------------------------------------------------------------------------
export const userKey = (id: string): Key => ({ pk: `USER#${id}`, sk: 'USER' });
/** gsi1: all users by email */
export const usersByEmail = (email: string) => ({ gsi1pk: 'USERS', gsi1sk: email });

// Web forms --------------------------------------------------------------------------------------
export const webformKey = (formKey: string): Key => ({ pk: `WEBFORM#${formKey}`, sk: 'WEBFORM' });

// Emails -----------------------------------------------------------------------------------------
export const emailKey = (id: string): Key => ({ pk: `EMAIL#${id}`, sk: 'EMAIL' });
/** guard item that makes processing a received message idempotent on SES's message id */
export const emailBySesMessageId = (sesMessageId: string): Key => ({
  pk: `EMAIL#SES#${sesMessageId}`,
  sk: 'EMAIL#SES',
});
/** gsi1: all emails, newest first */
export const emailsByReceivedAt = (receivedAt: string, id: string) => ({
  gsi1pk: 'EMAILS',
  gsi1sk: timeOrdered(receivedAt, id),
});

// Settings lists (sources, priorities, …) -------------------------------------------------------
export const settingsKey = (list: string): Key => ({ pk: `SETTINGS#${list}`, sk: 'SETTINGS' });
/** gsi1: all web forms by key */
export const webformsByKey = (formKey: string) => ({ gsi1pk: 'WEBFORMS', gsi1sk: formKey });

// Intake channels ---------------------------------------------------------------------------------
/** guard: a Facebook lead is stored once per leadgen id, however often Meta or the queue delivers it */
export const facebookLeadKey = (leadgenId: string): Key => ({ pk: `FBLEAD#${leadgenId}`, sk: 'FBLEAD' });
export const agencyKey = (id: string): Key => ({ pk: `AGENCY#${id}`, sk: 'AGENCY' });
/** gsi1: all agencies by name */
export const agenciesByName = (name: string, id: string) => ({
  gsi1pk: 'AGENCIES',
  gsi1sk: `${name.toLowerCase()}#${id}`,
});
/** an API key, found by the hash of its secret (the secret itself is never stored) */
export const agencyApiKeyKey = (secretHash: string): Key => ({ pk: `AGENCYKEY#${secretHash}`, sk: 'AGENCYKEY' });
/** gsi1: an agency's keys */
export const agencyKeysByAgency = (agencyId: string, keyId: string) => ({
  gsi1pk: `AGENCY#${agencyId}#KEYS`,
  gsi1sk: keyId,
});
/** guard: an agency's lead is stored once per externalId */
export const agencyExternalIdKey = (agencyId: string, externalId: string): Key => ({
  pk: `AGENCYLEAD#${agencyId}#${externalId}`,
  sk: 'AGENCYLEAD',
});
/** a counter per agency and time window, for the agency's own request limit */
export const agencyRateKey = (agencyId: string, window: string): Key => ({
  pk: `AGENCYRATE#${agencyId}#${window}`,
  sk: 'RATE',
});
export const importKey = (id: string): Key => ({ pk: `IMPORT#${id}`, sk: 'IMPORT' });
/** an import's failed rows, in row order */
export const importErrorKey = (importId: string, row: number): Key => ({
  pk: `IMPORT#${importId}`,
  sk: `ERROR#${String(row).padStart(10, '0')}`,
});
/** guard: a normalised row is imported once, whichever import or re-run carries it */
export const importedRowKey = (rowHash: string): Key => ({ pk: `IMPORTROW#${rowHash}`, sk: 'IMPORTROW' });

// Idempotency records and sequences (used by later channels) -------------------------------------
export const idempotencyKey = (scope: string, key: string): Key => ({
  pk: `IDEMPOTENCY#${scope}#${key}`,
  sk: 'IDEMPOTENCY',
});
export const sequenceKey = (name: string): Key => ({ pk: `SEQUENCE#${name}`, sk: 'SEQUENCE' });

/** the layout a maintenance run (`npm run backfill-matching`) last brought the stored data to */
export const migrationKey = (name: string): Key => ({ pk: `MIGRATION#${name}`, sk: 'MIGRATION' });

/** Every stored item carries its entity type and schema version. */
export const entityTags = (entity: string, version: number) => ({ _et: entity, _v: version });
