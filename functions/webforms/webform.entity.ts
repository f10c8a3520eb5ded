/**
 * Web-form configurations, keyed by the form key websites post to, all of them listed by key; each
 * keeps a signing secret (for its fill-time tokens) that no answer ever shows.
 */
import * as z from 'zod/mini';
import { mappingTargets } from '../../domain/webforms/webform.ts';
import { defineEntity, onIndex } from '../shared/entity.ts';

const webformsPartition = 'WEBFORMS';

export const webforms = defineEntity({
  name: 'webform',
  version: 1,
  schema: z.lazy(() =>
    z.object({
      key: z.string(),
      name: z.string(),
      allowedOrigins: z.array(z.string()),
      fieldMapping: z.record(z.string(), z.enum(mappingTargets)),
      defaultPriority: z.string(),
      responsibleUserId: z.nullable(z.string()),
      thankYouUrl: z.nullable(z.string()),
      consentText: z.nullable(z.string()),
      // Forms stored before spam settings and versioning read with these defaults.
      honeypotField: z._default(z.string(), 'website'),
      minFillSeconds: z._default(z.number(), 0),
      createdAt: z._default(z.string(), '1970-01-01T00:00:00.000Z'),
      updatedAt: z._default(z.string(), '1970-01-01T00:00:00.000Z'),
      version: z._default(z.number(), 1),
      // Forms stored before signing have none until they are first read.
      signingSecret: z.optional(z.string().check(z.minLength(32))),
    }),
  ),
  key: (formKey: string) => ({ pk: `WEBFORM#${formKey}`, sk: 'WEBFORM' }),
  keyOf: (form) => [form.key],
  indexes: (form) => [{ index: 'gsi1', pk: webformsPartition, sk: form.key }],
  patterns: {
    /** every web form, by key */
    byKey: () => onIndex('gsi1', webformsPartition),
  },
});
