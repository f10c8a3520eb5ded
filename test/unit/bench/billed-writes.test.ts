// The bench's billed write units, checked by hand against AWS's sizing rules for one small lead.
import { describe, expect, it } from 'vitest';
import { touchedAttributes } from '../../../bench/aws-meter.ts';
import { billedWrite, billedWrites, itemBytes, projectedItem, valueBytes } from '../../../bench/billed-writes.ts';

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

describe('index copies of lean indexes', () => {
  // an entry of 2.6 KB: three started KB in the table, but its index copies hold keys and filters only
  const entry = {
    pk: 'INBOX#01J',
    sk: 'INBOX',
    _et: 'inbox-entry',
    processingStatus: 'new',
    source: 'webform',
    message: 'x'.repeat(2600),
    gsi1pk: 'INBOX#STATUS#new#3',
    gsi1sk: '2026#01J',
    gsi3pk: 'DUPCHECK#PENDING#3',
    gsi3sk: '2026#01J',
  };

  it('copies to an index what it projects: the keys and the filtered attributes', () => {
    expect(projectedItem(entry, 'gsi1')).toEqual({
      pk: 'INBOX#01J',
      sk: 'INBOX',
      gsi1pk: 'INBOX#STATUS#new#3',
      gsi1sk: '2026#01J',
      processingStatus: 'new',
      source: 'webform',
    });
    // gsi3 keeps keys only
    expect(Object.keys(projectedItem(entry, 'gsi3')).sort()).toEqual(['gsi3pk', 'gsi3sk', 'pk', 'sk']);
    // a put: 3 units in the table, 1 per index copy
    expect(billedWrite({ item: entry, transactional: false })).toMatchObject({
      tableUnits: 3,
      indexUnits: { gsi1: 1, gsi3: 1 },
      indexDeletes: {},
      units: 5,
    });
  });

  it('writes no index on an update that touches neither its keys nor its projected attributes', () => {
    const checked = { ...entry, duplicateCheck: { status: 'done' } };
    expect(billedWrite({ item: checked, transactional: true, touched: ['duplicateCheck', 'version'] })).toMatchObject({
      tableUnits: 6,
      indexUnits: {},
      indexDeletes: {},
      units: 6,
    });
    // a projected attribute changed: the copy is written again
    expect(billedWrite({ item: checked, transactional: false, touched: ['priority', 'source'] })).toMatchObject({
      indexUnits: { gsi1: 1 },
      units: 4,
    });
  });

  it('counts leaving an index as a delete, and a moved key as a delete and a copy', () => {
    const { gsi3pk: _pk, gsi3sk: _sk, ...done } = entry;
    expect(
      billedWrite({ item: done, transactional: true, touched: ['gsi3pk', 'gsi3sk', 'duplicateCheck'] }),
    ).toMatchObject({ tableUnits: 6, indexUnits: {}, indexDeletes: { gsi3: 1 }, units: 7 });
    const qualified = { ...entry, processingStatus: 'qualified', gsi1pk: 'INBOX#STATUS#qualified#3' };
    expect(
      billedWrite({ item: qualified, transactional: true, touched: ['processingStatus', 'gsi1pk'] }),
    ).toMatchObject({ indexUnits: { gsi1: 1 }, indexDeletes: { gsi1: 1 }, units: 6 + 2 });
  });

  it('reads the attributes an update expression names', () => {
    expect(
      touchedAttributes(
        'SET #s = :s, duplicateCheck.#st = :d, history = list_append(history, :h) REMOVE gsi3pk, gsi3sk',
        {
          '#s': 'processingStatus',
          '#st': 'status',
        },
      ).sort(),
    ).toEqual(['duplicateCheck', 'gsi3pk', 'gsi3sk', 'history', 'processingStatus']);
    expect(
      touchedAttributes('ADD #count :one SET updatedAt = if_not_exists(updatedAt, :now)', { '#count': 'count' }).sort(),
    ).toEqual(['count', 'updatedAt']);
  });
});
