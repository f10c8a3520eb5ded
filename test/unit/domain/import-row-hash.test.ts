import { describe, expect, it } from 'vitest';
import { rowHash } from '../../../domain/imports/row-hash.ts';

describe('the identity of an imported row', () => {
  it('is the same for the same contact written with other case, spacing, umlauts or phone punctuation', () => {
    const first = rowHash({
      firstName: 'Jürgen',
      lastName: 'Groß',
      email: 'J.Gross@Example.com',
      phone: '+49 (30) 123-45',
    });
    const again = rowHash({
      firstName: ' JUERGEN ',
      lastName: 'gross',
      email: 'j.gross@example.com',
      phone: '+4930 12345',
    });

    expect(again).toBe(first);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on the order the columns came in, and ignores empty values', () => {
    expect(rowHash({ lastName: 'Muster', city: 'Köln', email: '' })).toBe(
      rowHash({ city: 'Köln', lastName: 'Muster' }),
    );
  });

  it('differs when any imported value differs, including which field holds it', () => {
    const base = rowHash({ lastName: 'Muster', city: 'Köln' });

    expect(rowHash({ lastName: 'Muster', city: 'Bonn' })).not.toBe(base);
    expect(rowHash({ lastName: 'Muster', street: 'Köln' })).not.toBe(base);
    expect(rowHash({ lastName: 'Muster', city: 'Köln', message: 'Rückruf' })).not.toBe(base);
  });
});
