// The bench's billed write units, checked by hand against AWS's sizing rules for one small lead.
import { describe, expect, it } from 'vitest';
import { billedWrite, billedWrites, itemBytes, valueBytes } from '../../../bench/billed-writes.ts';

describe('item sizes as DynamoDB counts them', () => {
  it('counts strings in UTF-8, numbers by significant digits, lists and maps with their overhead', () => {
    expect(valueBytes('Köln')).toBe(5); // ö is two bytes
    expect(valueBytes(1)).toBe(2); // one digit: 1 byte + 1
    expect(valueBytes(1_700_000_000)).toBe(2); // "17": trailing zeroes are not stored
    expect(valueBytes(123.45)).toBe(4); // five digits: 3 bytes + 1
    expect(valueBytes(true)).toBe(1);
    expect(valueBytes(['ab', 'c'])).toBe(3 + (1 + 2) + (1 + 1));
    expect(valueBytes({ email: 'a@b.de' })).toBe(3 + 1 + 5 + 6);
  });

  it('bills one lead: its entry in a transaction with one index copy, and its guard', () => {
    const entry = {
      pk: 'INBOX#01J', // 2 + 9
      sk: 'INBOX', // 2 + 5
      _et: 'inbox-entry', // 3 + 11
      version: 1, // 7 + 2
      contact: { email: 'a@b.de' }, // 7 + 3 + 1 + 5 + 6
      gsi4pk: 'INBOX', // 6 + 5
      gsi4sk: '2026#01J', // 6 + 8
      gsi1pk: 'INBOX#STATUS#new', // only half of gsi1's key: no copy there
    };
    const guard = { pk: 'IDEMPOTENCY#k', sk: 'IDEMPOTENCY', _et: 'idempotency', note: 'x'.repeat(1500) };

    expect(itemBytes(entry)).toBe(11 + 7 + 14 + 9 + 22 + 11 + 14 + (6 + 16));
    // 110 bytes: 1 unit, twice in a transaction, and one unit for the gsi4 copy
    expect(billedWrite({ item: entry, transactional: true })).toMatchObject({
      tableUnits: 2,
      indexUnits: { gsi4: 1 },
      units: 3,
    });
    // 2 + 13 + 2 + 11 + 3 + 11 + 4 + 1500 = 1546 bytes: two started KB, twice in a transaction
    expect(itemBytes(guard)).toBe(1546);
    const lead = billedWrites([
      { item: entry, transactional: true },
      { item: guard, transactional: true },
    ]);
    expect(lead).toEqual({
      units: 3 + 4,
      items: 2,
      byKind: { 'inbox-entry': { items: 1, units: 3 }, idempotency: { items: 1, units: 4 } },
    });
  });
});
