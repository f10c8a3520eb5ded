import { describe, expect, it } from 'vitest';
import { companyKey } from '../../../domain/duplicates/company-name.ts';

describe('companyKey', () => {
  it('gives "Müller GmbH & Co. KG", "Mueller GmbH" and "MÜLLER" one key', () => {
    expect(new Set(['Müller GmbH & Co. KG', 'Mueller GmbH', 'MÜLLER', ' müller  gmbh '].map(companyKey))).toEqual(
      new Set(['mueller']),
    );
  });

  it.each([
    ['Becker AG', 'becker'],
    ['Becker UG (haftungsbeschränkt)', 'becker'],
    ['Becker UG (haftungsbeschränkt) & Co. KG', 'becker'],
    ['Becker KG', 'becker'],
    ['Becker OHG', 'becker'],
    ['Becker e.K.', 'becker'],
    ['Becker e. Kfm.', 'becker'],
    ['Becker e.V.', 'becker'],
    ['Becker GbR', 'becker'],
    ['Becker mbH', 'becker'],
    ['Becker SE', 'becker'],
    ['Becker KGaA', 'becker'],
    ['Becker SE & Co. KGaA', 'becker'],
    ['Becker Ltd.', 'becker'],
    ['Becker Inc', 'becker'],
    ['Becker LLC', 'becker'],
    ['Becker Corp.', 'becker'],
    ['Becker & Co.', 'becker'],
    ['Becker Gesellschaft mit beschränkter Haftung', 'becker'],
    ['Fa. Becker', 'becker'],
  ])('strips the legal form: %s → %s', (name, key) => {
    expect(companyKey(name)).toBe(key);
  });

  it('unifies &, +, and, u. and und, and drops punctuation', () => {
    const key = 'mueller und soehne';
    expect(companyKey('Müller & Söhne')).toBe(key);
    expect(companyKey('Müller + Söhne GmbH')).toBe(key);
    expect(companyKey('Müller and Söhne')).toBe(key);
    expect(companyKey('Müller u. Söhne')).toBe(key);
    expect(companyKey('Müller-und-Söhne!')).toBe(key);
  });

  it('strips legal forms only at the end and never the whole name', () => {
    expect(companyKey('AG Wohnen Berlin')).toBe('ag wohnen berlin');
    expect(companyKey('GmbH')).toBe('gmbh');
    expect(companyKey('Deutsche Bahn AG')).toBe('deutsche bahn');
  });
});
