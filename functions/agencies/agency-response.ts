/**
 * What the agency routes answer: an agency with its keys' public parts (never a secret's hash),
 * mapped from the agency field by field, and a newly issued key, the only answer with its secret.
 */
import * as z from 'zod/mini';
import type { Agency, AgencyKey } from '../../domain/agencies/agency.ts';

const AgencyKeyOut = z.object({
  id: z.string(),
  prefix: z.string(),
  createdAt: z.string(),
  revokedAt: z.nullable(z.string()),
});

export const AgencyOut = z.lazy(() =>
  z.object({
    id: z.string(),
    name: z.string(),
    contactEmail: z.nullable(z.string()),
    defaultPriority: z.string(),
    responsibleUserId: z.nullable(z.string()),
    rateLimitPerMinute: z.number(),
    createdAt: z.string(),
    keys: z.array(AgencyKeyOut),
  }),
);
export type AgencyOut = z.infer<typeof AgencyOut>;

export const AgencyPageOut = z.lazy(() => z.object({ items: z.array(AgencyOut), nextCursor: z.nullable(z.string()) }));

export const IssuedKeyOut = z.lazy(() =>
  z.object({
    id: z.string(),
    key: z.string().check(z.describe('the whole key; shown in this answer only, never again')),
    prefix: z.string(),
    createdAt: z.string(),
  }),
);

const toKeyResponse = (key: AgencyKey): AgencyOut['keys'][number] => ({
  id: key.id,
  prefix: key.prefix,
  createdAt: key.createdAt,
  revokedAt: key.revokedAt,
});

export const toAgencyResponse = (agency: Agency): AgencyOut => ({
  id: agency.id,
  name: agency.name,
  contactEmail: agency.contactEmail,
  defaultPriority: agency.defaultPriority,
  responsibleUserId: agency.responsibleUserId,
  rateLimitPerMinute: agency.rateLimitPerMinute,
  createdAt: agency.createdAt,
  keys: agency.keys.map(toKeyResponse),
});
