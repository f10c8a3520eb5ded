/** The web-form routes' contracts: the public ones websites use and the admin configuration. */
import type { AnyRouteSpec } from '../shared/http.ts';
import { ListQuery } from '../users/users.ts';
import {
  FormKeyPath,
  NewWebformBody,
  SubmissionBody,
  SubmissionPath,
  submissionMaxBodyBytes,
  WebformPatchBody,
} from './webform-input.ts';
import { WebformPageResponse, WebformResponse } from './webform-response.ts';

export const webformPublicRoutes = {
  'POST /v1/webforms/{formKey}/submissions': {
    summary:
      'Submits a web form: JSON → 201 {id}; an HTML form post → 303 to the thank-you URL (or 201). Honours Idempotency-Key.',
    auth: 'public',
    audience: 'intake',
    path: SubmissionPath,
    body: SubmissionBody,
    accepts: ['json', 'form'],
    // the form's owner names the fields, so any of them may be its textarea; mapped contact fields are checked again
    hygiene: { multiLine: 'any' },
    // the entry keeps the posted fields as its raw payload, and a DynamoDB item holds 400 KB: no contact form needs more
    maxBodyBytes: submissionMaxBodyBytes,
    responds: { status: 201, description: 'stored in the inbox' },
  },
  'OPTIONS /v1/webforms/{formKey}/submissions': {
    summary: 'CORS preflight, answered for the form’s allowed origins only',
    auth: 'public',
    audience: 'intake',
    path: SubmissionPath,
    responds: { status: 204, description: 'allowed' },
  },
  'GET /v1/webforms/{formKey}/embed.js': {
    summary: 'A script that renders the form on any page and posts it',
    auth: 'public',
    path: FormKeyPath,
    responds: { status: 200, description: 'the script', contentType: 'application/javascript' },
  },
} as const satisfies Record<string, AnyRouteSpec>;

export const webformAdminRoutes = {
  'GET /v1/webforms': {
    summary: 'Web forms (admins only)',
    auth: 'admin',
    query: ListQuery,
    responds: { status: 200, description: 'a page of web forms', schema: WebformPageResponse },
  },
  'POST /v1/webforms': {
    summary: 'Creates a web form (admins only)',
    auth: 'admin',
    body: NewWebformBody,
    responds: { status: 201, description: 'the web form', schema: WebformResponse },
  },
  'GET /v1/webforms/{formKey}': {
    summary: 'One web form (admins only)',
    auth: 'admin',
    path: FormKeyPath,
    responds: { status: 200, description: 'the web form', schema: WebformResponse },
  },
  'PATCH /v1/webforms/{formKey}': {
    summary: 'Changes a web form: a merge patch carrying the current version (admins only)',
    auth: 'admin',
    path: FormKeyPath,
    body: WebformPatchBody,
    responds: { status: 200, description: 'the web form', schema: WebformResponse },
  },
} as const satisfies Record<string, AnyRouteSpec>;
