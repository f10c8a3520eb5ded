import { describe, expect, it } from 'vitest';
import { foldText, matchesAll, queryWords, searchTokens } from '../../../domain/inbox/search-tokens.ts';

describe('inbox search tokens', () => {
  it('folds case, umlauts, ß and accents so spellings meet', () => {
    expect(foldText('Müller')).toBe('mueller');
    expect(foldText('Straße')).toBe('strasse');
    expect(foldText('José')).toBe('jose');
  });

  it('indexes names, company and the email whole and in parts', () => {
    const tokens = searchTokens({
      firstName: 'Jürgen',
      lastName: 'Groß-Meier',
      companyName: 'ACME GmbH',
      email: 'J.Gross@Acme.de',
    });
    expect(tokens).toEqual(
      expect.arrayContaining(['juergen', 'gross', 'meier', 'acme', 'gmbh', 'j.gross@acme.de', 'de']),
    );
  });

  it('matches multi-word queries against all tokens, longest word first', () => {
    const tokens = searchTokens({ firstName: 'Max', lastName: 'Mustermann' });
    expect(queryWords('mus max')).toEqual(['mus', 'max']);
    expect(matchesAll(queryWords('Mus MAX'), tokens)).toBe(true);
    expect(matchesAll(queryWords('mus eva'), tokens)).toBe(false);
  });
});
