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
export const inboxSearchPartition = (word: string): string => `INBOXQ#${word.slice(0, 2)}`;
const newestFirst = (iso: string): string => String(9_999_999_999_999 - Date.parse(iso)).padStart(13, '0');
export const inboxSearchItem = (token: string, createdAt: string, id: string): Key => ({
  pk: inboxSearchPartition(token),
  sk: `${token}#${newestFirst(createdAt)}#${id}`,
});
/** gsi3 (sparse): entries whose duplicate check is still pending, oldest first, for the sweeper */
export const pendingDuplicateCheckPartition = 'DUPCHECK#PENDING';
export const pendingDuplicateCheck = (createdAt: string, id: string) => ({
  gsi3pk: pendingDuplicateCheckPartition,
  gsi3sk: timeOrdered(createdAt, id),
});

// Persons ----------------------------------------------------------------------------------------
export const personKey = (id: string): Key => ({ pk: `PERSON#${id}`, sk: 'PERSON' });
/** lookup item: persons by normalised email (one item per email, written with the person) */
export const personByEmailPartition = (normalisedEmail: string): string => `LOOKUP#EMAIL#${normalisedEmail}`;
export const personByEmail = (normalisedEmail: string, personId: string): Key => ({
  pk: personByEmailPartition(normalisedEmail),
  sk: `PERSON#${personId}`,
});

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

/** Every stored item carries its entity type and schema version. */
export const entityTags = (entity: string, version: number) => ({ _et: entity, _v: version });
