// Imported rows' ids: ULIDs of the import's time whose random part is the row's hash, so a retried
// chunk finds the entries it wrote and rows of one import sort by the import's time.
import { decodeTime, isValid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { rowHash } from '../../../domain/imports/row-hash.ts';
import { importRowId } from '../../../functions/imports/import-batch.ts';

const at = new Date('2031-05-04T08:09:10.123Z');

describe('the id of an imported row', () => {
  it('is a ULID of the import’s time, the same for the same row every time', () => {
    const hash = rowHash({ firstName: 'Jürgen', lastName: 'Müller', email: 'j.mueller@example.de' });
    const id = importRowId(at, hash);

    expect(isValid(id)).toBe(true);
    expect(decodeTime(id)).toBe(at.getTime());
    expect(importRowId(at, hash)).toBe(id);
    // the random part is the hash's first 80 bits in Crockford base32
    expect(id.slice(10)).toBe(
      [
        ...BigInt(`0x${hash.slice(0, 20)}`)
          .toString(32)
          .padStart(16, '0'),
      ]
        .map((digit) => '0123456789ABCDEFGHJKMNPQRSTVWXYZ'[Number.parseInt(digit, 32)])
        .join(''),
    );
  });

  it('differs for other rows, and for the same row in an import of another time', () => {
    const one = rowHash({ firstName: 'Anna', lastName: 'Schmidt' });
    const two = rowHash({ firstName: 'Anna', lastName: 'Schmitt' });

    expect(importRowId(at, one)).not.toBe(importRowId(at, two));
    expect(importRowId(new Date(at.getTime() + 1), one)).not.toBe(importRowId(at, one));
  });
});
