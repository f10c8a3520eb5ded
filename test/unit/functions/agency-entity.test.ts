// The agency entities write exactly the items the code before them wrote (keys, index keys, tags,
// attributes), so stored agencies, keys, counters and lead guards keep working without a migration.
import { describe, expect, it } from 'vitest';
import type { Agency } from '../../../domain/agencies/agency.ts';
import {
  agencies,
  agencyApiKeyItem,
  agencyApiKeys,
  agencyLeadGuards,
  agencyRates,
  countLeadsUpdate,
  type StoredAgency,
} from '../../../functions/agencies/agency.entity.ts';
import { toAgencyResponse } from '../../../functions/agencies/agency-response.ts';

const key = {
  id: '01JKEY0000000000000000000A',
  prefix: 'ktk_ab12',
  createdAt: '2031-03-03T10:00:00.000Z',
  revokedAt: null,
};
const agency: StoredAgency = {
  id: '01JAGENCY00000000000000000',
  name: 'Leads & Mehr GmbH',
  contactEmail: 'info@leads.example',
  defaultPriority: 'normal',
  responsibleUserId: null,
  rateLimitPerMinute: 600,
  createdAt: '2031-03-03T09:00:00.000Z',
  keys: [{ ...key, secretHash: 'c2VjcmV0aGFzaA' }],
};

describe('stored agencies', () => {
  it('keeps the item of an agency as it was written before, listed by its name in lower case', () => {
    expect(agencies.item(agency)).toStrictEqual({
      pk: 'AGENCY#01JAGENCY00000000000000000',
      sk: 'AGENCY',
      gsi1pk: 'AGENCIES',
      gsi1sk: 'leads & mehr gmbh#01JAGENCY00000000000000000',
      _et: 'agency',
      _v: 1,
      ...agency,
    });
    expect(agencies.patterns.byName()).toEqual({ index: 'gsi1', partition: 'AGENCIES' });
  });

  it('keeps the item of an API key as it was written before: found by the hash, which it does not store', () => {
    const stored = {
      agencyId: agency.id,
      keyId: key.id,
      prefix: key.prefix,
      createdAt: key.createdAt,
      revokedAt: null,
    };
    expect(agencyApiKeyItem('c2VjcmV0aGFzaA', stored)).toStrictEqual({
      pk: 'AGENCYKEY#c2VjcmV0aGFzaA',
      sk: 'AGENCYKEY',
      _et: 'agency-api-key',
      _v: 1,
      agencyId: '01JAGENCY00000000000000000',
      keyId: '01JKEY0000000000000000000A',
      prefix: 'ktk_ab12',
      createdAt: '2031-03-03T10:00:00.000Z',
      revokedAt: null,
    });
    expect(agencyApiKeys.parse(agencyApiKeyItem('c2VjcmV0aGFzaA', stored))).toEqual(stored);
  });

  it('counts an agency’s leads per minute in the counter it counted them in before', () => {
    expect(agencyRates.key(agency.id, '2031-03-03T10:20')).toEqual({
      pk: 'AGENCYRATE#01JAGENCY00000000000000000#2031-03-03T10:20',
      sk: 'RATE',
    });
    expect(countLeadsUpdate(5, 595, 1_930_000_000)).toEqual({
      expression: 'SET #ttl = :ttl, #et = :et, #v = :v ADD #count :n',
      condition: 'attribute_not_exists(#count) OR #count <= :highest',
      names: { '#ttl': 'ttl', '#count': 'leads', '#et': '_et', '#v': '_v' },
      values: { ':ttl': 1_930_000_000, ':n': 5, ':highest': 595, ':et': 'agency-rate', ':v': 1 },
    });
  });

  it('guards an agency’s lead under the key and entity tag it was guarded by before', () => {
    expect(agencyLeadGuards.key(agency.id, 'crm-4711')).toEqual({
      pk: 'AGENCYLEAD#01JAGENCY00000000000000000#crm-4711',
      sk: 'AGENCYLEAD',
    });
    expect(agencyLeadGuards.name).toBe('agency-lead-guard');
    expect(agencyLeadGuards.version).toBe(1);
  });
});

describe('the agency API shape', () => {
  it('answers what it answered before: the keys’ public parts, never a secret’s hash', () => {
    const shown: Agency = { ...agency, keys: [key] };
    expect(JSON.stringify(toAgencyResponse(shown))).toBe(
      JSON.stringify({
        id: agency.id,
        name: agency.name,
        contactEmail: agency.contactEmail,
        defaultPriority: 'normal',
        responsibleUserId: null,
        rateLimitPerMinute: 600,
        createdAt: agency.createdAt,
        keys: [{ id: key.id, prefix: 'ktk_ab12', createdAt: key.createdAt, revokedAt: null }],
      }),
    );
  });
});
