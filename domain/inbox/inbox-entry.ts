/** The inbox entry: an unqualified inbound lead as it lands from any channel (PRODUCT.md rule 1). */
import type { Money } from '../shared/money.ts';

export const processingStatuses = [
  'new',
  'assigned',
  'in_progress',
  'done',
  'converted',
  'archived',
  'reopened',
] as const;
export type ProcessingStatus = (typeof processingStatuses)[number];

export const defaultSources = ['facebook', 'webform', 'lead_agency', 'csv', 'cold_acquisition', 'email'] as const;
export const defaultPriorities = ['low', 'normal', 'high', 'urgent'] as const;

export type Contact = {
  salutation?: string;
  title?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
  companyName?: string;
  street?: string;
  addressLine2?: string;
  postalCode?: string;
  city?: string;
  country?: string;
  /** YYYY-MM-DD, when the channel asks for it (insurance, events) */
  birthday?: string;
};

export type CandidateKind = 'person' | 'company' | 'inboxEntry';
export type Candidate = {
  kind: CandidateKind;
  id: string;
  score: number;
  level: 'match' | 'possible';
  reasons: string[];
};

export type DuplicateCheck = {
  status: 'pending' | 'done' | 'failed';
  checkedAt: string | null;
  candidates: Candidate[];
};

export type StatusChange = { status: ProcessingStatus; at: string; userId: string | null };

export type Tracking = {
  pageUrl?: string;
  referrer?: string;
  utm?: { source?: string; medium?: string; campaign?: string; term?: string; content?: string };
};

export type InboxEntry = {
  id: string;
  title: string;
  source: string;
  priority: string;
  processingStatus: ProcessingStatus;
  archiveReason: string | null;
  responsibleUserId: string | null;
  contact: Contact;
  message?: string;
  expectedBudget: Money | null;
  consent?: { text: string; givenAt: string };
  tracking?: Tracking;
  createdAt: string;
  updatedAt: string;
  qualifiedAt: string | null;
  opportunityId: string | null;
  companyId: string | null;
  personId: string | null;
  duplicateCheck: DuplicateCheck;
  statusHistory: StatusChange[];
  raw: Record<string, unknown>;
  version: number;
};

export type NewInboxEntry = {
  id: string;
  source: string;
  priority: string;
  responsibleUserId: string | null;
  contact: Contact;
  title?: string;
  message?: string;
  expectedBudget?: Money | null;
  consent?: { text: string; givenAt: string };
  tracking?: Tracking;
  raw: Record<string, unknown>;
  createdBy: string | null;
  /** caught as spam: stored archived, answered like a lead, never checked for duplicates */
  spam?: boolean;
};

/** A title people can scan in a list: the person, then the company, then the address they wrote from. */
export const deriveTitle = (contact: Contact): string => {
  const name = [contact.firstName, contact.lastName].filter((part) => part && part.trim() !== '').join(' ');
  if (name && contact.companyName) return `${name} (${contact.companyName})`;
  return name || contact.companyName || contact.email || contact.phone || 'Inquiry';
};

/**
 * A new entry starts `new`, or `assigned` when it arrives with a responsible user, with its
 * duplicate check pending; spam starts archived with reason `spam` and is never checked.
 */
export const createInboxEntry = (input: NewInboxEntry, now: Date): InboxEntry => {
  const at = now.toISOString();
  const status: ProcessingStatus = input.spam ? 'archived' : input.responsibleUserId ? 'assigned' : 'new';
  return {
    id: input.id,
    title: input.title?.trim() || deriveTitle(input.contact),
    source: input.source,
    priority: input.priority,
    processingStatus: status,
    archiveReason: input.spam ? 'spam' : null,
    responsibleUserId: input.responsibleUserId,
    contact: input.contact,
    ...(input.message === undefined ? {} : { message: input.message }),
    expectedBudget: input.expectedBudget ?? null,
    ...(input.consent === undefined ? {} : { consent: input.consent }),
    ...(input.tracking === undefined ? {} : { tracking: input.tracking }),
    createdAt: at,
    updatedAt: at,
    qualifiedAt: null,
    opportunityId: null,
    companyId: null,
    personId: null,
    duplicateCheck: input.spam
      ? { status: 'done', checkedAt: at, candidates: [] }
      : { status: 'pending', checkedAt: null, candidates: [] },
    statusHistory: [{ status, at, userId: input.createdBy }],
    raw: input.raw,
    version: 1,
  };
};
