import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { colognePhonetic } from '../../../domain/duplicates/cologne-phonetic.ts';

// Recorded from talisman 1.1.4 before it was vendored: every stored lookup key carries these codes.
const reference = z
  .object({ cologne: z.array(z.tuple([z.string(), z.string()])) })
  .parse(JSON.parse(readFileSync('test/fixtures/string-metrics/talisman-1.1.4.json', 'utf8')));

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

  it('keeps talisman’s quirks that stored keys carry: a leading H drops the vowel after it, X is one 48', () => {
    expect(colognePhonetic('Hoffmann')).toBe('366');
    expect(colognePhonetic('Axel')).toBe('0485');
    expect(colognePhonetic('Æbelø')).toBe('015');
  });

  it(`gives exactly talisman’s code for each of ${reference.cologne.length} recorded names`, () => {
    const differing = reference.cologne.filter(([name, expected]) => colognePhonetic(name) !== expected);
    expect(differing).toEqual([]);
  });
});
