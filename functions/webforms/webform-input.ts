/** What a web-form configuration must look like when an admin creates or changes one, and what a submission may post. */
import * as z from 'zod/mini';
import { mappingTargets } from '../../domain/webforms/webform.ts';

const origin = z
  .string()
  .check(
    z.regex(/^https?:\/\/[^/\s?#]+$/, 'must be an origin such as https://www.example.com (no path)'),
    z.maxLength(300),
  );
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

/** A posted field's name: what HTML forms use, never a name a plain object already has a meaning for. */
const FieldName = z.string().check(
  z.regex(/^[A-Za-z0-9_.-]{1,100}$/, 'not a field name'),
  z.refine((name) => !['__proto__', 'constructor', 'prototype'].includes(name), 'is a reserved name'),
);

export const WebformFields = {
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  allowedOrigins: z.array(origin).check(z.maxLength(20)),
  fieldMapping: z
    .record(FieldName, z.enum(mappingTargets))
    .check(z.refine((mapping) => Object.keys(mapping).length <= 100, 'map at most 100 fields')),
  defaultPriority: z.string().check(z.minLength(1), z.maxLength(50)),
  responsibleUserId: z.nullable(z.string().check(z.minLength(1), z.maxLength(128))),
  thankYouUrl: z.nullable(httpUrl),
  consentText: z.nullable(z.string().check(z.maxLength(2000))),
  honeypotField: FieldName,
  minFillSeconds: z.number().check(z.int(), z.minimum(0), z.maximum(600)),
};

export const NewWebformBody = z.lazy(() =>
  z.strictObject({
    key: z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'use 2 to 63 lower-case letters, digits and dashes')),
    name: WebformFields.name,
    allowedOrigins: z._default(WebformFields.allowedOrigins, []),
    fieldMapping: WebformFields.fieldMapping,
    defaultPriority: z._default(WebformFields.defaultPriority, 'normal'),
    responsibleUserId: z._default(WebformFields.responsibleUserId, null),
    thankYouUrl: z._default(WebformFields.thankYouUrl, null),
    consentText: z._default(WebformFields.consentText, null),
    honeypotField: z._default(WebformFields.honeypotField, 'website'),
    minFillSeconds: z._default(WebformFields.minFillSeconds, 3),
  }),
);

export const WebformPatchBody = z.lazy(() =>
  z.strictObject({
    version: z.number().check(z.int()),
    name: z.optional(WebformFields.name),
    allowedOrigins: z.optional(WebformFields.allowedOrigins),
    fieldMapping: z.optional(WebformFields.fieldMapping),
    defaultPriority: z.optional(WebformFields.defaultPriority),
    responsibleUserId: z.optional(WebformFields.responsibleUserId),
    thankYouUrl: z.optional(WebformFields.thankYouUrl),
    consentText: z.optional(WebformFields.consentText),
    honeypotField: z.optional(WebformFields.honeypotField),
    minFillSeconds: z.optional(WebformFields.minFillSeconds),
  }),
);

export const FormKeyPath = z.lazy(() => z.object({ formKey: z.string().check(z.minLength(1), z.maxLength(100)) }));

export const SubmissionPath = z.lazy(() => z.object({ formKey: z.string().check(z.minLength(1), z.maxLength(100)) }));

/** A submission's body at most: the entry stores it as its raw payload, inside one 400 KB item. */
export const submissionMaxBodyBytes = 100 * 1024;

/** Posted fields: flat values, as an HTML form or a simple `fetch` sends them; at most 100 of them. */
export const SubmissionBody = z
  .record(z.string().check(z.maxLength(100)), z.union([z.string().check(z.maxLength(10_000)), z.number(), z.boolean()]))
  .check(z.refine((fields) => Object.keys(fields).length <= 100, 'post at most 100 fields'));
