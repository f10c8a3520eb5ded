/** Serves the embed script of a form, with a freshly signed fill-time token. */
import type * as z from 'zod/mini';
import { notFound } from '../../domain/shared/errors.ts';
import type { HttpRequest, HttpResult } from '../shared/http.ts';
import { renderEmbedScript } from './embed-script.ts';
import { issueFillToken } from './fill-time-token.ts';
import type { WebformRepository } from './webform.repository.ts';
import type { FormKeyPath } from './webform-input.ts';

export const embedWebform =
  (deps: {
    forms: Pick<WebformRepository, 'get'>;
    now: () => Date;
    /** where the script posts to: the stage's edge address when it has one (else the address it was fetched from) */
    apiBase?: string | undefined;
  }) =>
  async (request: HttpRequest<undefined, z.infer<typeof FormKeyPath>, undefined>): Promise<HttpResult> => {
    const stored = await deps.forms.get(request.path.formKey);
    if (!stored) throw notFound('web form', request.path.formKey);
    // API Gateway and the local server both say how the client reached us.
    const proto = request.headers['x-forwarded-proto'] ?? 'https';
    const apiBase = deps.apiBase ?? `${proto}://${request.event.requestContext.domainName}`;
    const script = renderEmbedScript(stored.form, {
      apiBase,
      fillToken: issueFillToken(stored.signingSecret, stored.form.key, deps.now()),
    });
    return {
      status: 200,
      rawBody: script,
      headers: { 'content-type': 'application/javascript; charset=utf-8', 'cache-control': 'no-store' },
    };
  };
