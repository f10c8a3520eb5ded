import { describe, expect, it } from 'vitest';
import { normaliseCountry, normalisePostcode, normaliseStreet } from '../../../domain/duplicates/address.ts';

describe('normaliseStreet', () => {
  it('writes Str./Str/Strasse/Straße one way and separates the house number', () => {
    const expected = { name: 'hauptstrasse', houseNumber: '5a' };
    for (const street of ['Hauptstr. 5a', 'Hauptstraße 5 a', 'Hauptstrasse 5A', 'HAUPTSTR 5a', 'Hauptstr.5a']) {
      expect(normaliseStreet(street)).toEqual(expected);
    }
  });

  it('ignores hyphens and spaces inside the name', () => {
    expect(normaliseStreet('Konrad-Adenauer-Str. 12/1')).toEqual({
      name: 'konradadenauerstrasse',
      houseNumber: '12/1',
    });
    expect(normaliseStreet('Konrad Adenauerstraße 12 / 1').name).toBe('konradadenauerstrasse');
  });

  it('finds a number in front of the name, ranges, and streets without a number', () => {
    expect(normaliseStreet('10 Downing Street')).toEqual({ name: 'downingstreet', houseNumber: '10' });
    expect(normaliseStreet('Bahnhofstraße 10-12')).toEqual({ name: 'bahnhofstrasse', houseNumber: '10-12' });
    expect(normaliseStreet('Marktpl. 3').name).toBe('marktplatz');
    expect(normaliseStreet('Am Markt')).toEqual({ name: 'ammarkt', houseNumber: null });
    expect(normaliseStreet('Straße des 17. Juni 100')).toEqual({ name: 'strassedes17juni', houseNumber: '100' });
  });
});

describe('normalisePostcode', () => {
  it('keeps the digits of German postcodes', () => {
    expect(normalisePostcode('D-10115')).toBe('10115');
    expect(normalisePostcode(' 10115 ', 'Deutschland')).toBe('10115');
    expect(normalisePostcode('---')).toBeNull();
  });

  it('trims and upper-cases other countries', () => {
    expect(normalisePostcode(' sw1a  1aa ', 'GB')).toBe('SW1A 1AA');
    expect(normalisePostcode('1010', 'Österreich')).toBe('1010');
  });
});

describe('normaliseCountry', () => {
  it('reads the usual ways of writing a country as its ISO code', () => {
    expect(['DE', 'de', 'Deutschland', 'Germany', 'D'].map(normaliseCountry)).toEqual(['DE', 'DE', 'DE', 'DE', 'DE']);
    expect(normaliseCountry('Österreich')).toBe('AT');
    expect(normaliseCountry('fr')).toBe('FR');
    expect(normaliseCountry('  ')).toBeNull();
  });
});
