/**
 * Received emails and their links. A guard item on SES's message id makes storing one idempotent;
 * guard items on its identities (Message-ID with a content hash) make a copy that arrives again
 * join the first record. Each link to a person, company, inbox entry, opportunity or ticket is a
 * reference item in that record's `REFS#` partition (contacts/references.ts): the record's
 * emails are listed from it, and a merge moves it.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Email } from '../../domain/emails/email.ts';
import {
  type EmailLink,
  type EmailStatus,
  type emailStatuses,
  linkMapOf,
  linksOf,
} from '../../domain/emails/smart-bcc.ts';
import { conflict, notFound } from '../../domain/shared/errors.ts';
import { type RecordRef, referenceItem, references } from '../contacts/reference.entity.ts';
import { createStore, type Page } from '../shared/store.ts';
import type { TransactItem } from '../shared/transactions.ts';
import { ticketMailGuards, ticketMessageItem } from '../tickets/ticket-mail.entity.ts';
import {
  emailIdentityGuardItem,
  emailIdentityGuards,
  emailSesGuardItem,
  emailSesGuards,
  emails,
  linkedRecordKind,
} from './email.entity.ts';

const absent = { expression: 'attribute_not_exists(pk)' };

/** The links of a stored email, as the API lists them. */
export const emailLinks = (email: Pick<Email, 'links'>): EmailLink[] => linksOf(email.links);
export const linkMap = linkMapOf;

const referenceTargets = (email: Pick<Email, 'links'>): RecordRef[] =>
  emailLinks(email).flatMap((link) => {
    const kind = linkedRecordKind[link.kind];
    return kind ? [{ kind, id: link.id }] : [];
  });

/** The reference item of each link to a record that the email did not have (`except`). */
const referencePuts = (tableName: string, email: Email, except: readonly RecordRef[] = []): TransactItem[] =>
  referenceTargets(email)
    .filter((t) => !except.some((e) => e.kind === t.kind && e.id === t.id))
    .map((target) => ({
      Put: { TableName: tableName, Item: referenceItem(target, { kind: 'EMAIL', id: email.id }, 'links') },
    }));

/** The union of two verdicts on one message: links, unmatched addresses and unlinked numbers. */
const joined = (existing: Email, copy: Email): Email => {
  const links = { ...copy.links, ...existing.links };
  const linkedNumbers = new Set(
    emailLinks({ links })
      .filter((l) => l.kind === 'opportunity' || l.kind === 'ticket')
      .map((l) => l.id),
  );
  const numbers = new Map([...existing.unlinkedNumbers, ...copy.unlinkedNumbers].map((n) => [n.number, n]));
  const status: EmailStatus = emailLinks({ links }).some((l) => l.kind !== 'user') ? 'linked' : 'unlinked';
  return {
    ...existing,
    status,
    quarantine: null,
    links,
    unmatchedAddresses: [...new Set([...existing.unmatchedAddresses, ...copy.unmatchedAddresses])].slice(0, 100),
    unlinkedNumbers: [...numbers.values()].filter((n) => !linkedNumbers.has(n.number)),
    envelopeRecipients: [...new Set([...existing.envelopeRecipients, ...copy.envelopeRecipients])].slice(0, 100),
    identities: [...new Set([...existing.identities, ...copy.identities])],
    forwardedFrom: existing.forwardedFrom ?? copy.forwardedFrom,
    // a copy to the service address makes the message one for email to ticket, whichever copy came first
    ticketMail: existing.ticketMail || copy.ticketMail,
    senderVerified: existing.senderVerified || copy.senderVerified,
  };
};

export type StoreOutcome = { stored: 'new' | 'joined' | 'redelivered'; emailId: string };

export const createEmailRepository = (doc: DynamoDBDocumentClient, tableName: string) => {
  const store = createStore(doc, tableName);

  const get = (id: string, consistent = false): Promise<Email | null> =>
    store.get(emails, emails.key(id), { consistent });

  /** Rewrites a stored email (conditional on what was read: its status and links), with its new references. */
  const replace = async (before: Email, after: Email, extra: TransactItem[] = []): Promise<'done' | 'collided'> => {
    const kept = referenceTargets(before);
    const items: TransactItem[] = [
      emails.put(tableName, after, {
        expression: '#status = :status AND #links = :links',
        names: { '#status': 'status', '#links': 'links' },
        values: { ':status': before.status, ':links': before.links },
      }),
      ...referencePuts(tableName, after, kept),
      ...extra,
    ];
    try {
      await store.transact(items);
      return 'done';
    } catch (error) {
      if (error instanceof TransactionCanceledException) return 'collided';
      throw error;
    }
  };

  /**
   * Indexes the Message-ID of a mail linked to a ticket, by which a reply to it finds the ticket
   * (email to ticket). First writer wins (a later mail reusing the Message-ID cannot take the
   * thread over), one ticket per Message-ID, and only for mail that was not quarantined. Apart from
   * the email's transaction: a lost index entry leaves a reply to be found by its number instead.
   */
  const indexTicketMessage = async (email: Email): Promise<void> => {
    const ticket = emailLinks(email).find((l) => l.kind === 'ticket');
    if (!ticket || !email.messageId || email.status === 'quarantined') return;
    await store
      .transact([
        {
          Put: {
            TableName: tableName,
            Item: ticketMessageItem(email.messageId, ticket.id),
            ConditionExpression: absent.expression,
          },
        },
      ])
      .catch((error: unknown) => {
        if (!(error instanceof TransactionCanceledException)) throw error;
      });
  };

  const findBySesMessageId = async (sesMessageId: string): Promise<string | null> => {
    const guard = await store.get(emailSesGuards, emailSesGuards.key(sesMessageId), { consistent: true });
    return guard?.emailId ?? null;
  };

  return {
    get,

    findIdBySesMessageId: findBySesMessageId,

    /**
     * Stores the email with its links once. A redelivered SES message changes nothing; a copy of a
     * message stored before (same identity) that was not quarantined joins that email: its links
     * are added there and no second record is made. A quarantined mail is always a record of its
     * own, so a forged copy can neither join nor change the original.
     */
    async storeOnce(email: Email): Promise<StoreOutcome> {
      const identities = email.status === 'quarantined' ? [] : email.identities;
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const existingIds = new Set<string>();
        const guarded = new Set<string>();
        for (const identity of identities) {
          const guard = await store.get(emailIdentityGuards, emailIdentityGuards.key(identity), { consistent: true });
          if (guard) {
            existingIds.add(guard.emailId);
            guarded.add(identity);
          }
        }
        const sesGuard = {
          Put: {
            TableName: tableName,
            Item: emailSesGuardItem(email.sesMessageId, email.id),
            ConditionExpression: absent.expression,
          },
        };
        const [existingId] = [...existingIds].sort();
        if (existingId === undefined) {
          const items: TransactItem[] = [
            sesGuard,
            emails.put(tableName, email, absent),
            ...identities.map((identity) => ({
              Put: {
                TableName: tableName,
                Item: emailIdentityGuardItem(identity, email.id),
                ConditionExpression: absent.expression,
              },
            })),
            ...referencePuts(tableName, email),
          ];
          try {
            await store.transact(items);
            await indexTicketMessage(email);
            return { stored: 'new', emailId: email.id };
          } catch (error) {
            if (!(error instanceof TransactionCanceledException)) throw error;
            if (error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed')
              return { stored: 'redelivered', emailId: (await findBySesMessageId(email.sesMessageId)) ?? email.id };
            continue; // an identity was taken meanwhile: join it
          }
        }
        const existing = await get(existingId, true);
        if (!existing) throw new Error(`email ${existingId} named by an identity guard does not exist`);
        const after = joined(existing, { ...email, id: existing.id });
        // only identities nobody holds yet: one that names another record keeps naming it
        const guards = identities
          .filter((identity) => !guarded.has(identity))
          .map((identity) => ({
            Put: {
              TableName: tableName,
              Item: emailIdentityGuardItem(identity, existing.id),
              ConditionExpression: absent.expression,
            },
          }));
        const sesGuardOfExisting = {
          Put: { ...sesGuard.Put, Item: emailSesGuardItem(email.sesMessageId, existing.id) },
        };
        if ((await replace(existing, after, [sesGuardOfExisting, ...guards])) === 'done') {
          await indexTicketMessage(after);
          return { stored: 'joined', emailId: existing.id };
        }
        // collided: with a redelivery of this message (its SES guard exists now), or with another copy
        const redelivered = await findBySesMessageId(email.sesMessageId);
        if (redelivered) return { stored: 'redelivered', emailId: redelivered };
      }
      throw conflict('concurrent-change', `email ${email.sesMessageId} kept colliding with copies of itself; retried`);
    },

    /** An admin's release: the quarantined email takes the verdict it would have had, once. */
    async release(
      id: string,
      verdict: Pick<Email, 'status' | 'links' | 'unmatchedAddresses' | 'unlinkedNumbers' | 'released' | 'ticketMail'>,
    ): Promise<Email> {
      const before = await get(id, true);
      if (!before) throw notFound('email', id);
      if (before.status !== 'quarantined')
        throw conflict('not-quarantined', `email ${id} is ${before.status}, not quarantined`);
      const after: Email = { ...before, ...verdict, quarantine: before.quarantine };
      if ((await replace(before, after)) === 'collided')
        throw conflict('concurrent-change', `email ${id} changed while being released; retry`);
      await indexTicketMessage(after);
      return after;
    },

    /**
     * Adds links to an email (a person made from one of its unmatched addresses, which then leaves
     * that list; the ticket email to ticket opened or updated), with their reference items. A link
     * the email has already is kept as it is. Re-read and retried when the email changed meanwhile.
     */
    async addLinks(id: string, links: readonly EmailLink[], options: { matched?: string } = {}): Promise<Email> {
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const before = await get(id, true);
        if (!before) throw notFound('email', id);
        const after: Email = {
          ...before,
          status: before.status === 'quarantined' ? 'quarantined' : 'linked',
          links: { ...linkMapOf(links), ...before.links },
          unmatchedAddresses: before.unmatchedAddresses.filter((a) => a !== options.matched),
        };
        if (JSON.stringify(after) === JSON.stringify(before)) return before;
        if ((await replace(before, after)) === 'done') {
          await indexTicketMessage(after);
          return after;
        }
      }
      throw conflict('concurrent-change', `email ${id} kept changing; retry`);
    },

    /** Links a person made from one of the email's unmatched addresses (`via` where the address stood). */
    linkPerson(id: string, personId: string, address: string, via: EmailLink['via']): Promise<Email> {
      return this.addLinks(id, [{ kind: 'person', id: personId, via }], { matched: address });
    },

    /**
     * Emails of one status received before `before`, oldest first: those whose retention is over
     * (domain/emails/mail-retention.ts).
     */
    async listReceivedBefore(status: EmailStatus, before: Date, limit: number): Promise<Email[]> {
      const pattern = { ...emails.patterns.byStatus(status), sort: { below: before.toISOString() } };
      const page = await store.queryMerged(pattern, { limit, newestFirst: false });
      return page.items.map((item) => emails.parse(item));
    },

    /**
     * Erases a stored email whose retention is over, with what only it needs: its guards, the
     * reference items of its links and its ticket-mail guard, all or nothing, and only while it still
     * has the status and links it was read with (a user linking it meanwhile keeps it). `false`: it
     * changed or is gone, and stays.
     */
    async erase(email: Email): Promise<boolean> {
      // its guards that name it: a guard naming another email (a copy that joined that one) is that one's
      const guardKeys = [
        emailSesGuards.key(email.sesMessageId),
        ...email.identities.map((identity) => emailIdentityGuards.key(identity)),
      ];
      const ownGuards = (
        await Promise.all(
          guardKeys.map(async (key) =>
            (await store.getItem(key, { consistent: true }))?.emailId === email.id ? [key] : [],
          ),
        )
      ).flat();
      const items: TransactItem[] = [
        {
          Delete: {
            TableName: tableName,
            Key: emails.key(email.id),
            ConditionExpression: '#status = :status AND #links = :links',
            ExpressionAttributeNames: { '#status': 'status', '#links': 'links' },
            ExpressionAttributeValues: { ':status': email.status, ':links': email.links },
          },
        },
        ...ownGuards.map((key) => ({
          Delete: {
            TableName: tableName,
            Key: key,
            ConditionExpression: 'emailId = :id',
            ExpressionAttributeValues: { ':id': email.id },
          },
        })),
        ...referenceTargets(email).map((target) => ({
          Delete: { TableName: tableName, Key: references.key(target, { kind: 'EMAIL', id: email.id }, 'links') },
        })),
        { Delete: { TableName: tableName, Key: ticketMailGuards.key(email.id) } },
      ];
      // a transaction takes 100 items: the email and the first 99 go together, the rest (guards and
      // references of an email with very many links, which name a record no longer there) after it
      const [first, rest] = [items.slice(0, 100), items.slice(100)];
      try {
        await store.transact(first);
        for (const item of rest) {
          if (item.Delete) await store.delete(item.Delete.Key as { pk: string; sk: string });
        }
        return true;
      } catch (error) {
        if (error instanceof TransactionCanceledException) {
          // the email changed (or went): it stays
          if (error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
        }
        throw error;
      }
    },

    /** Newest first; one status only when given. */
    async list(limit: number, cursor?: string, status?: (typeof emailStatuses)[number]): Promise<Page<Email>> {
      const pattern = status ? emails.patterns.byStatus(status) : emails.patterns.byReceivedAt();
      const page = await store.queryMerged(pattern, { limit, cursor, newestFirst: true });
      return { items: page.items.map((item) => emails.parse(item)), nextCursor: page.nextCursor };
    },

    /** The emails linked to one record, newest first (email ids are ULIDs of their arrival). */
    async listLinkedTo(target: RecordRef, limit: number, cursor?: string): Promise<Page<Email>> {
      const page = await store.query(references, references.patterns.toFrom(target, 'EMAIL'), {
        limit,
        cursor,
        newestFirst: true,
      });
      const ids = [...new Set(page.items.map((reference) => reference.fromId))];
      const found = new Map(
        (
          await store.getMany(
            emails,
            ids.map((id) => emails.key(id)),
          )
        ).map((e) => [e.id, e]),
      );
      return { items: ids.flatMap((id) => found.get(id) ?? []), nextCursor: page.nextCursor };
    },
  };
};

export type EmailRepository = ReturnType<typeof createEmailRepository>;
