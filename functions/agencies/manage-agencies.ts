/** Lead agencies for admins: register, list and read agencies; issue API keys (shown once) and revoke them. */
import { ulid } from 'ulid';
import type * as z from 'zod/mini';
import type { Agency } from '../../domain/agencies/agency.ts';
import { generateApiKey, type RandomBytes } from '../../domain/agencies/api-key.ts';
import { requireListed } from '../../domain/settings/settings.ts';
import { notFound, unprocessable } from '../../domain/shared/errors.ts';
import type { SettingsRepository } from '../settings/settings.repository.ts';
import { defaultLimit } from '../shared/cursor.ts';
import type { HttpRequest, HttpResult } from '../shared/http.ts';
import type { UserRepository } from '../users/user.repository.ts';
import type { ListQuery } from '../users/users.ts';
import type { AgencyRepository } from './agency.repository.ts';
import type { AgencyIdPath, AgencyKeyPath, NewAgencyBody } from './agency-input.ts';
import { toAgencyResponse } from './agency-response.ts';

export type ManageAgenciesDeps = {
  agencies: Pick<AgencyRepository, 'create' | 'get' | 'list' | 'addKey' | 'revokeKey'>;
  users: Pick<UserRepository, 'findUser'>;
  settings: Pick<SettingsRepository, 'get'>;
  random: RandomBytes;
  now: () => Date;
};

const location = (id: string) => ({ location: `/v1/agencies/${id}` });

export const createAgency =
  (deps: ManageAgenciesDeps) =>
  async (request: HttpRequest<z.infer<typeof NewAgencyBody>, undefined, undefined>): Promise<HttpResult> => {
    const body = request.body;
    requireListed('defaultPriority', body.defaultPriority, await deps.settings.get('priorities'));
    if (body.responsibleUserId && !(await deps.users.findUser(body.responsibleUserId))) {
      throw unprocessable('responsibleUserId', `no user ${body.responsibleUserId}`);
    }
    const now = deps.now();
    const agency: Agency = { id: ulid(now.getTime()), ...body, createdAt: now.toISOString(), keys: [] };
    await deps.agencies.create(agency);
    return { status: 201, body: toAgencyResponse(agency), headers: location(agency.id) };
  };

export const listAgencies =
  (deps: Pick<ManageAgenciesDeps, 'agencies'>) =>
  async (request: HttpRequest<undefined, undefined, z.infer<typeof ListQuery>>): Promise<HttpResult> => {
    const page = await deps.agencies.list(request.query.limit ?? defaultLimit, request.query.cursor);
    return { status: 200, body: { items: page.items.map(toAgencyResponse), nextCursor: page.nextCursor } };
  };

export const getAgency =
  (deps: Pick<ManageAgenciesDeps, 'agencies'>) =>
  async (request: HttpRequest<undefined, z.infer<typeof AgencyIdPath>, undefined>): Promise<HttpResult> => {
    const agency = await deps.agencies.get(request.path.id);
    if (!agency) throw notFound('agency', request.path.id);
    return { status: 200, body: toAgencyResponse(agency) };
  };

/** The only answer that ever carries the secret; nothing else stores or logs it. */
export const createAgencyKey =
  (deps: ManageAgenciesDeps) =>
  async (request: HttpRequest<undefined, z.infer<typeof AgencyIdPath>, undefined>): Promise<HttpResult> => {
    const agencyId = request.path.id;
    if (!(await deps.agencies.get(agencyId))) throw notFound('agency', agencyId);
    const now = deps.now();
    const issued = generateApiKey(deps.random);
    const key = { id: ulid(now.getTime()), prefix: issued.prefix, createdAt: now.toISOString(), revokedAt: null };
    await deps.agencies.addKey(agencyId, { ...key, secretHash: issued.secretHash });
    return {
      status: 201,
      body: { id: key.id, key: issued.key, prefix: key.prefix, createdAt: key.createdAt },
      // a secret must not linger in a cache on the way back
      headers: { ...location(agencyId), 'cache-control': 'no-store' },
    };
  };

export const revokeAgencyKey =
  (deps: Pick<ManageAgenciesDeps, 'agencies' | 'now'>) =>
  async (request: HttpRequest<undefined, z.infer<typeof AgencyKeyPath>, undefined>): Promise<HttpResult> => {
    const { id, keyId } = request.path;
    const outcome = await deps.agencies.revokeKey(id, keyId, deps.now());
    if (outcome === 'unknown') throw notFound('key', `${keyId} of agency ${id}`);
    return { status: 204 };
  };
