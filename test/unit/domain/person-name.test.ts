import { describe, expect, it } from 'vitest';
import { nameCore, normalisePersonName } from '../../../domain/duplicates/person-name.ts';

describe('normalisePersonName', () => {
  it.each([
    ['Jürgen Groß', 'juergen gross'],
    ['JUERGEN GROSS', 'juergen gross'],
    ['José Núñez', 'jose nunez'],
    ['Hans-Peter  Müller-Lüdenscheidt', 'hans peter mueller luedenscheidt'],
    ["O'Brien", 'obrien'],
    ['  Anna \t Maria ', 'anna maria'],
  ])('folds case, umlauts, ß, accents, hyphens and whitespace: %s → %s', (text, expected) => {
    expect(normalisePersonName(text)).toBe(expected);
  });

  it.each([
    ['Herr Dr. med. Hans Müller', 'hans mueller'],
    ['Frau Prof. Dr. rer. nat. Anna Schmidt', 'anna schmidt'],
    ['Dipl.-Ing. Jürgen Weber', 'juergen weber'],
    ['Prof. Dr. h. c. mult. Karl Meier', 'karl meier'],
    ['Mrs. Jane Smith', 'jane smith'],
    ['Mr Smith', 'smith'],
  ])('strips leading salutations and titles: %s → %s', (text, expected) => {
    expect(normalisePersonName(text)).toBe(expected);
  });

  it('keeps initials, a lone title and name particles', () => {
    expect(normalisePersonName('H. C. Andersen')).toBe('h c andersen');
    expect(normalisePersonName('Herr')).toBe('herr');
    expect(normalisePersonName('von der Leyen')).toBe('von der leyen');
  });

  it('leaves particles out of the core used for the phonetic key, unless nothing else is left', () => {
    expect(nameCore('von der leyen')).toBe('leyen');
    expect(nameCore('di chiera')).toBe('chiera');
    expect(nameCore('van')).toBe('van');
  });
});
