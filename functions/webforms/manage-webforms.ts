/** Web-form configuration for admins: create, read, change (merge patch with version), list. */
import type * as z from 'zod/mini';
import { requireListed } from '../../domain/settings/settings.ts';
import { conflict, notFound, unprocessable, validationError } from '../../domain/shared/errors.ts';
import { honeypotProblem, type Webform } from '../../domain/webforms/webform.ts';
import type { SettingsRepository } from '../settings/settings.repository.ts';
import { defaultLimit } from '../shared/cursor.ts';
import type { HttpRequest, HttpResult } from '../shared/http.ts';
import type { UserRepository } from '../users/user.repository.ts';
import type { ListQuery } from '../users/users.ts';
import type { WebformRepository } from './webform.repository.ts';
import type { FormKeyPath, NewWebformBody, WebformPatchBody } from './webform-input.ts';
import { toWebformResponse } from './webform-response.ts';

export type ManageWebformsDeps = {
  forms: WebformRepository;
  users: Pick<UserRepository, 'findUser'>;
  settings: Pick<SettingsRepository, 'get'>;
  now: () => Date;
};

/** The rules a form must keep: a honeypot no person fills, a known priority and a known user. */
const checkReferences = async (deps: ManageWebformsDeps, form: Webform): Promise<void> => {
  const honeypot = honeypotProblem(form);
  if (honeypot) throw validationError([{ field: 'honeypotField', message: honeypot }]);
  requireListed('defaultPriority', form.defaultPriority, await deps.settings.get('priorities'));
  if (form.responsibleUserId && !(await deps.users.findUser(form.responsibleUserId))) {
    throw unprocessable('responsibleUserId', `no user ${form.responsibleUserId}`);
  }
};

const location = (key: string) => ({ location: `/v1/webforms/${key}` });

export const createWebform =
  (deps: ManageWebformsDeps) =>
  async (request: HttpRequest<z.infer<typeof NewWebformBody>, undefined, undefined>): Promise<HttpResult> => {
    const at = deps.now().toISOString();
    const form: Webform = { ...request.body, createdAt: at, updatedAt: at, version: 1 };
    await checkReferences(deps, form);
    await deps.forms.create(form);
    return { status: 201, body: toWebformResponse(form), headers: location(form.key) };
  };

export const getWebform =
  (deps: ManageWebformsDeps) =>
  async (request: HttpRequest<undefined, z.infer<typeof FormKeyPath>, undefined>): Promise<HttpResult> => {
    const stored = await deps.forms.get(request.path.formKey);
    if (!stored) throw notFound('web form', request.path.formKey);
    return { status: 200, body: toWebformResponse(stored.form) };
  };

export const patchWebform =
  (deps: ManageWebformsDeps) =>
  async (
    request: HttpRequest<z.infer<typeof WebformPatchBody>, z.infer<typeof FormKeyPath>, undefined>,
  ): Promise<HttpResult> => {
    const stored = await deps.forms.get(request.path.formKey);
    if (!stored) throw notFound('web form', request.path.formKey);
    const { version, ...changes } = request.body;
    if (version !== stored.form.version) {
      throw conflict(
        'stale-version',
        `web form ${stored.form.key} is at version ${stored.form.version}, not ${version}`,
      );
    }
    const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
    const next: Webform = { ...stored.form, ...defined, updatedAt: deps.now().toISOString(), version: version + 1 };
    await checkReferences(deps, next);
    await deps.forms.update(next, stored.signingSecret, version);
    return { status: 200, body: toWebformResponse(next) };
  };

export const listWebforms =
  (deps: ManageWebformsDeps) =>
  async (request: HttpRequest<undefined, undefined, z.infer<typeof ListQuery>>): Promise<HttpResult> => {
    const page = await deps.forms.list(request.query.limit ?? defaultLimit, request.query.cursor);
    return { status: 200, body: { items: page.items.map(toWebformResponse), nextCursor: page.nextCursor } };
  };
