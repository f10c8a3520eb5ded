import { describe, expect, it } from 'vitest';
import { colognePhonetic } from '../../../domain/duplicates/cologne-phonetic.ts';

describe('colognePhonetic (Kölner Phonetik)', () => {
  it('gives the published codes of the reference examples', () => {
    // Postel's worked example: the raw digits 60550750206880022 collapse (repeats once, zeros
    // after the first letter dropped) to the code itself.
    expect(colognePhonetic('Müller-Lüdenscheidt')).toBe('65752682');
    expect(colognePhonetic('Wikipedia')).toBe('3412');
    expect(colognePhonetic('Breschnew')).toBe('17863');
  });

  it('gives Meier, Maier, Mayer and Meyer one code', () => {
    const codes = ['Meier', 'Maier', 'Mayer', 'Meyer'].map(colognePhonetic);
    expect(new Set(codes)).toEqual(new Set(['67']));
  });

  it('gives Müller, Mueller, Muller and MÜLLER one code', () => {
    expect(new Set(['Müller', 'Mueller', 'Muller', 'MÜLLER'].map(colognePhonetic))).toEqual(new Set(['657']));
  });

  it('tells different names apart and gives nothing for text without Latin letters', () => {
    expect(colognePhonetic('Schmidt')).not.toBe(colognePhonetic('Schneider'));
    expect(colognePhonetic('Schmidt')).toBe(colognePhonetic('Schmitt'));
    expect(colognePhonetic('Иванов')).toBe('');
    expect(colognePhonetic('')).toBe('');
  });
});
