import { describe, expect, it } from 'vitest';
import { absorbPerson, createPerson, personSortName } from '../../../domain/persons/person.ts';

const now = new Date('2026-04-01T10:00:00Z');

describe('persons known by last name only', () => {
  it('keep the first name a merged duplicate knew: "Herr Kempton" absorbing "Klaus Kempton" is Klaus Kempton', () => {
    const survivor = createPerson(
      'a',
      { salutation: 'Herr', lastName: 'Kempton', emails: [], phones: [], isMainContact: false },
      now,
    );
    const duplicate = createPerson(
      'b',
      { firstName: 'Klaus', lastName: 'Kempton', emails: [], phones: [], isMainContact: false },
      now,
    );

    const merged = absorbPerson(survivor, duplicate, now);

    expect(merged).toMatchObject({ firstName: 'Klaus', lastName: 'Kempton', salutation: 'Herr' });
  });

  it('sort by last name, with or without a first name', () => {
    const kempton = createPerson('a', { lastName: 'Kempton', emails: [], phones: [], isMainContact: false }, now);
    const klaus = createPerson(
      'b',
      { firstName: 'Klaus', lastName: 'Kempton', emails: [], phones: [], isMainContact: false },
      now,
    );

    expect(personSortName(kempton)).toBe('kempton');
    expect(personSortName(klaus)).toBe('kempton klaus');
  });
});
