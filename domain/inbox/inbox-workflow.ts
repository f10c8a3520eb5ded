/** The inbox's processing status flow (API.md) and the edits sales make; every change lands in statusHistory. */
import { conflict, type KontaktError } from '../shared/errors.ts';
import type { Money } from '../shared/money.ts';
import type { Contact, InboxEntry, ProcessingStatus } from './inbox-entry.ts';

export const openStatuses: readonly ProcessingStatus[] = ['new', 'assigned', 'in_progress', 'done', 'reopened'];

/** Statuses a PATCH may set directly; archive, reopen and convert are actions of their own. */
export const patchableStatuses = ['in_progress', 'done'] as const;
export type PatchableStatus = (typeof patchableStatuses)[number];

const allowed: Record<ProcessingStatus, readonly ProcessingStatus[]> = {
  new: ['assigned', 'in_progress', 'done', 'archived', 'converted'],
  assigned: ['in_progress', 'done', 'archived', 'converted'],
  in_progress: ['done', 'archived', 'converted'],
  done: ['reopened', 'archived', 'converted'],
  reopened: ['assigned', 'in_progress', 'done', 'archived', 'converted'],
  archived: ['reopened'],
  converted: [],
};

export const canMove = (from: ProcessingStatus, to: ProcessingStatus): boolean => allowed[from].includes(to);

const invalidTransition = (from: ProcessingStatus, to: ProcessingStatus): KontaktError =>
  conflict('invalid-status-transition', `An inbox entry cannot go from ${from} to ${to}`, { from, to });

const move = (entry: InboxEntry, to: ProcessingStatus, userId: string | null, at: string): InboxEntry => {
  if (entry.processingStatus === to) return entry;
  if (!canMove(entry.processingStatus, to)) throw invalidTransition(entry.processingStatus, to);
  return { ...entry, processingStatus: to, statusHistory: [...entry.statusHistory, { status: to, at, userId }] };
};

export type InboxPatch = {
  title?: string;
  priority?: string;
  responsibleUserId?: string | null;
  /** merge patch: a null field is removed */
  contact?: { [K in keyof Contact]?: string | null };
  message?: string | null;
  expectedBudget?: Money | null;
  processingStatus?: PatchableStatus;
};

export type PatchOutcome = { entry: InboxEntry; contactChanged: boolean };

const mergeContact = (contact: Contact, patch: NonNullable<InboxPatch['contact']>): Contact => {
  const next: Contact = { ...contact };
  for (const [field, value] of Object.entries(patch)) {
    const key = field as keyof Contact;
    if (value === null || value === undefined || value.trim() === '') delete next[key];
    else next[key] = value.trim();
  }
  return next;
};

const sameContact = (a: Contact, b: Contact): boolean => {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof Contact>;
  return [...keys].every((k) => a[k] === b[k]);
};

/**
 * Applies a merge patch. Setting a responsible user on a new or reopened entry assigns it; a
 * converted entry is final and an archived one must be reopened first.
 */
export const patchInboxEntry = (entry: InboxEntry, patch: InboxPatch, userId: string, now: Date): PatchOutcome => {
  if (entry.processingStatus === 'converted') {
    throw conflict('already-converted', 'A converted inbox entry cannot be changed', {
      opportunityId: entry.opportunityId,
    });
  }
  if (entry.processingStatus === 'archived') {
    throw conflict('archived', 'An archived inbox entry must be reopened before it is changed');
  }
  const at = now.toISOString();
  let next: InboxEntry = { ...entry };
  if (patch.title !== undefined) next.title = patch.title.trim();
  if (patch.priority !== undefined) next.priority = patch.priority;
  if (patch.expectedBudget !== undefined) next.expectedBudget = patch.expectedBudget;
  if (patch.message !== undefined) {
    if (patch.message === null) delete next.message;
    else next.message = patch.message;
  }
  const contact = patch.contact ? mergeContact(entry.contact, patch.contact) : entry.contact;
  const contactChanged = !sameContact(contact, entry.contact);
  next.contact = contact;
  if (patch.responsibleUserId !== undefined) {
    next.responsibleUserId = patch.responsibleUserId;
    if (patch.responsibleUserId && (next.processingStatus === 'new' || next.processingStatus === 'reopened')) {
      next = move(next, 'assigned', userId, at);
    }
  }
  if (patch.processingStatus !== undefined) next = move(next, patch.processingStatus, userId, at);
  if (contactChanged) next.duplicateCheck = { status: 'pending', checkedAt: null, candidates: [] };
  return { entry: { ...next, updatedAt: at, version: entry.version + 1 }, contactChanged };
};

export const archiveInboxEntry = (entry: InboxEntry, reason: string, userId: string | null, now: Date): InboxEntry => {
  if (!openStatuses.includes(entry.processingStatus)) throw invalidTransition(entry.processingStatus, 'archived');
  const at = now.toISOString();
  return { ...move(entry, 'archived', userId, at), archiveReason: reason, updatedAt: at, version: entry.version + 1 };
};

export const reopenInboxEntry = (entry: InboxEntry, userId: string, now: Date): InboxEntry => {
  if (entry.processingStatus !== 'archived' && entry.processingStatus !== 'done') {
    throw invalidTransition(entry.processingStatus, 'reopened');
  }
  const at = now.toISOString();
  return { ...move(entry, 'reopened', userId, at), archiveReason: null, updatedAt: at, version: entry.version + 1 };
};

export type ConversionLinks = { opportunityId: string; companyId: string | null; personId: string | null };

/**
 * Converting (PRODUCT.md rule 4) is final: the entry records when it was qualified and links the
 * opportunity, company and person it became. A converted entry answers 409 `already-converted`.
 */
export const convertInboxEntry = (
  entry: InboxEntry,
  links: ConversionLinks,
  userId: string | null,
  now: Date,
): InboxEntry => {
  if (entry.processingStatus === 'converted') {
    throw conflict('already-converted', `inbox entry ${entry.id} is converted already`, {
      opportunityId: entry.opportunityId,
    });
  }
  if (entry.archiveReason === 'spam')
    throw conflict('spam', 'spam cannot be converted; reopen it first if it is a lead');
  const at = now.toISOString();
  return {
    ...move(entry, 'converted', userId, at),
    qualifiedAt: at,
    opportunityId: links.opportunityId,
    companyId: links.companyId,
    personId: links.personId,
    updatedAt: at,
    version: entry.version + 1,
  };
};
