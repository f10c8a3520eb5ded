/** The inbox that sales works from: create by hand, list, read, change, archive and reopen entries. */
import { ulid } from 'ulid';
import type * as z from 'zod/mini';
import { createInboxEntry, type InboxEntry } from '../../domain/inbox/inbox-entry.ts';
import { archiveInboxEntry, patchInboxEntry, reopenInboxEntry } from '../../domain/inbox/inbox-workflow.ts';
import { requireListed } from '../../domain/settings/settings.ts';
import { conflict, notFound, unprocessable, validationError } from '../../domain/shared/errors.ts';
import { isReachable, reachableContactFields } from '../../domain/webforms/webform.ts';
import type { LeadReceivedV1 } from '../../events/lead-received.v1.ts';
import { requestDuplicateCheckAfterStore } from '../duplicates/request-duplicate-check.ts';
import type { SettingsRepository } from '../settings/settings.repository.ts';
import { defaultLimit } from '../shared/cursor.ts';
import type { HttpRequest, HttpResult } from '../shared/http.ts';
import type { QueuePublisher } from '../shared/queue-publisher.ts';
import { boundInstant } from '../shared/validation.ts';
import type { UserRepository } from '../users/user.repository.ts';
import type { InboxEntryRepository } from './inbox-entry.repository.ts';
import { toInboxEntryResponse } from './inbox-entry-response.ts';
import type { ArchiveBody, InboxIdPath, InboxListQuery, InboxPatchBody, NewInboxEntryBody } from './inbox-input.ts';

export type InboxDeps = {
  inbox: InboxEntryRepository;
  users: Pick<UserRepository, 'findUser'>;
  settings: Pick<SettingsRepository, 'get'>;
  publisher: QueuePublisher<LeadReceivedV1>;
  duplicateCheckQueueUrl: string;
  now: () => Date;
};

type Path = z.infer<typeof InboxIdPath>;

/** The calling user: every inbox route requires one. */
const callerId = (request: { user: { id: string } | null }): string => request.user?.id ?? 'unknown';

const requireUser = async (deps: InboxDeps, field: string, id: string | null | undefined): Promise<void> => {
  if (id && !(await deps.users.findUser(id))) throw unprocessable(field, `no user ${id}`);
};

const load = async (deps: InboxDeps, id: string): Promise<InboxEntry> => {
  const entry = await deps.inbox.get(id);
  if (!entry) throw notFound('inbox entry', id);
  return entry;
};

export const createInboxEntryByHand =
  (deps: InboxDeps) =>
  async (request: HttpRequest<z.infer<typeof NewInboxEntryBody>, undefined, undefined>): Promise<HttpResult> => {
    const body = request.body;
    if (!isReachable(body.contact)) {
      throw validationError([
        { field: 'contact', message: `give at least one of ${reachableContactFields.join(', ')}` },
      ]);
    }
    const source = body.source ?? 'cold_acquisition';
    const priority = body.priority ?? 'normal';
    requireListed('source', source, await deps.settings.get('sources'));
    requireListed('priority', priority, await deps.settings.get('priorities'));
    await requireUser(deps, 'responsibleUserId', body.responsibleUserId);
    const now = deps.now();
    const entry = createInboxEntry(
      {
        id: ulid(now.getTime()),
        source,
        priority,
        responsibleUserId: body.responsibleUserId ?? null,
        contact: body.contact,
        ...(body.title === undefined ? {} : { title: body.title }),
        ...(body.message === undefined ? {} : { message: body.message }),
        expectedBudget: body.expectedBudget ?? null,
        raw: { ...body },
        createdBy: callerId(request),
      },
      now,
    );
    await deps.inbox.create(entry);
    await requestDuplicateCheckAfterStore(deps, entry, now);
    return { status: 201, body: toInboxEntryResponse(entry), headers: { location: `/v1/inbox/${entry.id}` } };
  };

export const listInbox =
  (deps: InboxDeps) =>
  async (request: HttpRequest<undefined, undefined, z.infer<typeof InboxListQuery>>): Promise<HttpResult> => {
    const page = await deps.inbox.list({
      ...request.query,
      // a day means the whole day; a time without seconds compares like one with them
      createdFrom:
        request.query.createdFrom === undefined ? undefined : boundInstant(request.query.createdFrom, 'from'),
      createdTo: request.query.createdTo === undefined ? undefined : boundInstant(request.query.createdTo, 'to'),
      limit: request.query.limit ?? defaultLimit,
    });
    return { status: 200, body: { items: page.items.map(toInboxEntryResponse), nextCursor: page.nextCursor } };
  };

export const getInboxEntry =
  (deps: Pick<InboxDeps, 'inbox'>) =>
  async (request: HttpRequest<undefined, Path, undefined>): Promise<HttpResult> => {
    const entry = await deps.inbox.get(request.path.id);
    if (!entry) throw notFound('inbox entry', request.path.id);
    return { status: 200, body: toInboxEntryResponse(entry) };
  };

export const patchInbox =
  (deps: InboxDeps) =>
  async (request: HttpRequest<z.infer<typeof InboxPatchBody>, Path, undefined>): Promise<HttpResult> => {
    const entry = await load(deps, request.path.id);
    const { version, ...patch } = request.body;
    if (version !== entry.version) {
      throw conflict('stale-version', `inbox entry ${entry.id} is at version ${entry.version}, not ${version}`);
    }
    if (patch.priority !== undefined) requireListed('priority', patch.priority, await deps.settings.get('priorities'));
    await requireUser(deps, 'responsibleUserId', patch.responsibleUserId);
    const now = deps.now();
    const { entry: next, contactChanged } = patchInboxEntry(entry, patch, callerId(request), now);
    if (contactChanged && !isReachable(next.contact)) {
      throw validationError([
        { field: 'contact', message: `keep at least one of ${reachableContactFields.join(', ')}` },
      ]);
    }
    await deps.inbox.update(entry, next, { contactChanged });
    if (contactChanged) await requestDuplicateCheckAfterStore(deps, next, now);
    return { status: 200, body: toInboxEntryResponse(next) };
  };

export const archiveInbox =
  (deps: InboxDeps) =>
  async (request: HttpRequest<z.infer<typeof ArchiveBody>, Path, undefined>): Promise<HttpResult> => {
    const entry = await load(deps, request.path.id);
    const next = archiveInboxEntry(entry, request.body.reason, callerId(request), deps.now());
    await deps.inbox.update(entry, next, { contactChanged: false });
    return { status: 200, body: toInboxEntryResponse(next) };
  };

export const reopenInbox =
  (deps: InboxDeps) =>
  async (request: HttpRequest<undefined, Path, undefined>): Promise<HttpResult> => {
    const entry = await load(deps, request.path.id);
    const next = reopenInboxEntry(entry, callerId(request), deps.now());
    await deps.inbox.update(entry, next, { contactChanged: false });
    return { status: 200, body: toInboxEntryResponse(next) };
  };
