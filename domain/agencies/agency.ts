/** Lead agencies: partners that deliver purchased leads with their own API keys, each under its own limit. */
import { type Contact, deriveTitle } from '../inbox/inbox-entry.ts';

export type AgencyKey = {
  id: string;
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
};

export type Agency = {
  id: string;
  name: string;
  contactEmail: string | null;
  /** the priority and responsible user every lead of this agency starts with */
  defaultPriority: string;
  responsibleUserId: string | null;
  /** leads (not requests) per calendar minute */
  rateLimitPerMinute: number;
  createdAt: string;
  keys: AgencyKey[];
};

export const defaultRateLimitPerMinute = 600;
/** revoked keys stay listed (who used which key when); this bounds the agency's record */
export const maxKeysPerAgency = 100;

/** The agency's own title wins; otherwise the usual title, with the agency, so the inbox shows where it came from. */
export const agencyLeadTitle = (agencyName: string, lead: { title?: string; contact: Contact }): string =>
  lead.title?.trim() || `${deriveTitle(lead.contact)} – via ${agencyName}`;
