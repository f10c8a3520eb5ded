/**
 * What Smart BCC looks up to judge and link a mail, each by key (no Scan): the user behind an
 * address (their own or a confirmed alternative), the persons and open inbox entries behind an
 * address (duplicate protection's `EMAIL#` lookup items), and opportunities and tickets by number
 * or id. It reads the entities' items directly, so the email worker carries no other module's
 * repository (its bundle stays small).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { emailLookupKey } from '../../domain/duplicates/lookup-keys.ts';
import type { AddressMatch, NumberedKind, NumberedRecord } from '../../domain/emails/smart-bcc.ts';
import { normaliseEmail } from '../../domain/shared/normalise-email.ts';
import { companies } from '../contacts/company.entity.ts';
import { persons } from '../contacts/person.entity.ts';
import { lookupItems, lookupLayout } from '../duplicates/match-lookup.entity.ts';
import { candidateKindOf } from '../duplicates/match-lookups.ts';
import { inboxEntries } from '../inbox/inbox-entry.entity.ts';
import { opportunities, opportunityNumbers } from '../opportunities/opportunity.entity.ts';
import { createStore } from '../shared/store.ts';
import { ticketKey, ticketNumbers } from '../tickets/ticket-number.entity.ts';
import { users } from '../users/user.entity.ts';
import { userAddresses } from '../users/user-address.entity.ts';

/** inbox entries in these states are done with: a mail no longer links to them */
const closedEntryStatuses = new Set(['converted', 'archived']);

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

export const createMailDirectory = (doc: DynamoDBDocumentClient, tableName: string) => {
  const store = createStore(doc, tableName);

  const numbered = (kind: NumberedKind, item: Record<string, unknown> | undefined): NumberedRecord | null => {
    if (!item || item.mergedInto !== undefined) return null;
    const id = text(item.id);
    const number = text(item.number);
    if (!id || !number) return null;
    return {
      kind,
      id,
      number,
      personId: text(item.personId),
      companyId: text(item.companyId),
      responsibleUserId: text(item.responsibleUserId),
      subscriberIds: Array.isArray(item.subscriberIds) ? item.subscriberIds.filter((s) => typeof s === 'string') : [],
    };
  };

  return {
    /** The user who owns this address: their login address, or an alternative one they confirmed. */
    async userOf(address: string): Promise<string | null> {
      const normalised = normaliseEmail(address);
      const alternative = await store.get(userAddresses, userAddresses.key(normalised));
      if (alternative?.status === 'confirmed') return alternative.userId;
      // users are few (one partition, by email); their addresses are compared normalised
      const found = await store.queryAll(users, users.patterns.byEmail());
      return found.find((user) => normaliseEmail(user.email) === normalised)?.id ?? null;
    },

    /** The persons (with their company) and open inbox entries whose email is this address. */
    async match(address: string): Promise<AddressMatch> {
      const page = await store.queryItems(lookupItems.patterns.byKey(emailLookupKey(normaliseEmail(address))), {
        limit: 50,
      });
      const owners = page.items
        .filter((item) => lookupLayout(item) !== 'foreign')
        .map((item) => lookupItems.parse(item))
        .map((owner) => ({ kind: candidateKindOf[owner.kind], id: owner.id }));
      const personIds = [...new Set(owners.filter((o) => o.kind === 'person').map((o) => o.id))];
      const entryIds = [...new Set(owners.filter((o) => o.kind === 'inboxEntry').map((o) => o.id))];
      const found = await store.getItems([
        ...personIds.map((id) => persons.key(id)),
        ...entryIds.map((id) => inboxEntries.key(id)),
      ]);
      const records = [...found.values()].filter((item) => item.mergedInto === undefined);
      return {
        persons: records
          .filter((item) => persons.owns(item) && personIds.includes(String(item.id)))
          .map((item) => ({ id: String(item.id), companyId: text(item.companyId) }))
          .sort((a, b) => a.id.localeCompare(b.id)),
        inboxEntries: records
          .filter((item) => inboxEntries.owns(item) && !closedEntryStatuses.has(String(item.processingStatus)))
          .map((item) => String(item.id))
          .sort(),
      };
    },

    /** The opportunity or ticket with this number (`OPP-12` → 12), or null. */
    async byNumber(kind: NumberedKind, number: number): Promise<NumberedRecord | null> {
      if (kind === 'opportunity') {
        const found = await store.get(opportunityNumbers, opportunityNumbers.key(number));
        return found ? numbered(kind, await store.getItem(opportunities.key(found.opportunityId))) : null;
      }
      const found = await store.get(ticketNumbers, ticketNumbers.key(number));
      return found ? numbered(kind, await store.getItem(ticketKey(found.ticketId))) : null;
    },

    /** The person or company with this id (a merged one: its survivor), or null. */
    async contact(kind: 'PERSON' | 'COMPANY', id: string): Promise<{ kind: 'PERSON' | 'COMPANY'; id: string } | null> {
      const entity = kind === 'PERSON' ? persons : companies;
      for (let hop = 0, current = id; hop < 5; hop += 1) {
        const item = await store.getItem(entity.key(current));
        if (!item) return null;
        const survivor = text(item.mergedInto);
        if (survivor === null) return { kind, id: current };
        current = survivor;
      }
      return null;
    },

    /** The opportunity or ticket with this id, or null. */
    async byId(kind: NumberedKind, id: string): Promise<NumberedRecord | null> {
      return numbered(kind, await store.getItem(kind === 'opportunity' ? opportunities.key(id) : ticketKey(id)));
    },
  };
};

export type MailDirectory = ReturnType<typeof createMailDirectory>;
