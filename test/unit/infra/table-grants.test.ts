// How a noun-by-noun table grant reads: the partitions IAM's LeadingKeys condition lists, and which
// requests it lets through (the same reading the intake handlers are held to in the integration test).
import { describe, expect, it } from 'vitest';
import { agencyApiKeys, agencyRates } from '../../../functions/agencies/agency.entity.ts';
import { references } from '../../../functions/contacts/reference.entity.ts';
import { facebookLeads } from '../../../functions/facebook/facebook-lead.entity.ts';
import { idempotencyRecords } from '../../../functions/inbox/idempotency-record.entity.ts';
import { inboxEntries } from '../../../functions/inbox/inbox-entry.entity.ts';
import { leadingKeysOf } from '../../../functions/shared/entity.ts';
import { ticketMessages } from '../../../functions/tickets/ticket-mail.entity.ts';
import { users } from '../../../functions/users/user.entity.ts';
import { tableGrantAllows, tableStatements } from '../../../infra/table-grants.ts';

describe('an entity’s partitions as IAM sees them', () => {
  it('is the fixed part of its partition key and a wildcard for what varies', () => {
    expect(inboxEntries.leadingKeys).toBe('INBOX#*');
    expect(idempotencyRecords.leadingKeys).toBe('IDEMPOTENCY#*');
    expect(agencyRates.leadingKeys).toBe('AGENCYRATE#*');
    expect(facebookLeads.leadingKeys).toBe('FBLEAD#*');
    expect(agencyApiKeys.leadingKeys).toBe('AGENCYKEY#*');
  });

  it('reads a hashed part as varying, and refuses a key it cannot read rather than guess', () => {
    // TICMSG#<hash of the Message-ID>: the hash varies after the fixed part
    expect(ticketMessages.leadingKeys).toBe('TICMSG#*');
    expect(leadingKeysOf((id: string) => ({ pk: `A#${id.length}#${id}`, sk: 'A' }), 'a')).toBe('A#2#*');
    expect(leadingKeysOf(() => ({ pk: 'SETTINGS', sk: 'S' }), 'settings')).toBe('SETTINGS');
    // a key made of records (REFS#<kind>#<id>): built from strings it names `undefined`
    expect(() => references.leadingKeys).toThrow(/cannot be read from its key/);
    expect(() => leadingKeysOf((id: string) => ({ pk: id, sk: 'X' }), 'bare')).toThrow(/no fixed part/);
  });
});

describe('a table grant', () => {
  const grant = { get: [facebookLeads], put: [inboxEntries, facebookLeads], update: [agencyRates] };

  it('is one statement per action, listing the partitions of the entities it names', () => {
    expect(tableStatements(grant)).toEqual([
      { action: 'GetItem', leadingKeys: ['FBLEAD#*'] },
      { action: 'BatchGetItem', leadingKeys: ['FBLEAD#*'] },
      { action: 'PutItem', leadingKeys: ['FBLEAD#*', 'INBOX#*'] },
      { action: 'UpdateItem', leadingKeys: ['AGENCYRATE#*'] },
    ]);
  });

  it('lets through the named actions on the named partitions only', () => {
    const allows = (action: string, partition: string, index: string | null = null) =>
      tableGrantAllows(grant, { action, index, partition });

    expect(allows('PutItem', inboxEntries.key('01ABC').pk)).toBe(true);
    expect(allows('GetItem', facebookLeads.key('123').pk)).toBe(true);
    expect(allows('UpdateItem', agencyRates.key('a', '2031-01-01T10:00').pk)).toBe(true);
    // a near name is another partition: INBOX# does not reach INBOXQ#
    expect(allows('PutItem', 'INBOXQ#de')).toBe(false);
    expect(allows('GetItem', inboxEntries.key('01ABC').pk)).toBe(false);
    expect(allows('UpdateItem', inboxEntries.key('01ABC').pk)).toBe(false);
    expect(allows('GetItem', users.key('u1').pk)).toBe(false);
    expect(allows('DeleteItem', inboxEntries.key('01ABC').pk)).toBe(false);
    expect(allows('Scan', '(any)')).toBe(false);
    expect(allows('Query', 'FBLEAD#1', 'gsi1v2')).toBe(false);
  });

  it('leaves the whole-table grants as they were', () => {
    const request = { action: 'Query', index: 'gsi1v2', partition: 'USERS' };
    expect(tableGrantAllows('readWrite', request)).toBe(true);
    expect(tableGrantAllows('read', request)).toBe(true);
    expect(tableGrantAllows('read', { ...request, action: 'PutItem' })).toBe(false);
    expect(tableGrantAllows(undefined, request)).toBe(false);
  });
});
