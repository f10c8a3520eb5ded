/**
 * What the API answers about a web form: its own schema (for the OpenAPI description) and an
 * explicit mapping from the form, which never carries the signing secret.
 */
import * as z from 'zod/mini';
import { mappingTargets, type Webform } from '../../domain/webforms/webform.ts';

export const WebformResponse = z.lazy(() =>
  z.object({
    key: z.string(),
    name: z.string(),
    allowedOrigins: z.array(z.string()),
    fieldMapping: z.record(z.string(), z.enum(mappingTargets)),
    defaultPriority: z.string(),
    responsibleUserId: z.nullable(z.string()),
    thankYouUrl: z.nullable(z.string()),
    consentText: z.nullable(z.string()),
    honeypotField: z.string(),
    minFillSeconds: z.number(),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number(),
  }),
);
export type WebformResponse = z.infer<typeof WebformResponse>;

export const WebformPageResponse = z.lazy(() =>
  z.object({ items: z.array(WebformResponse), nextCursor: z.nullable(z.string()) }),
);

export const toWebformResponse = (form: Webform): WebformResponse => ({
  key: form.key,
  name: form.name,
  allowedOrigins: [...form.allowedOrigins],
  fieldMapping: { ...form.fieldMapping },
  defaultPriority: form.defaultPriority,
  responsibleUserId: form.responsibleUserId,
  thankYouUrl: form.thankYouUrl,
  consentText: form.consentText,
  honeypotField: form.honeypotField,
  minFillSeconds: form.minFillSeconds,
  createdAt: form.createdAt,
  updatedAt: form.updatedAt,
  version: form.version,
});
