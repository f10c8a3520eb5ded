// Tokens as common as a domain ending are not indexed, and a search reads the partition of a word
// that can find something.
import { describe, expect, it } from 'vitest';
import { indexableTokens, searchWord } from '../../../domain/inbox/common-tokens.ts';
import { queryWords, searchTokens } from '../../../domain/inbox/search-tokens.ts';

describe('common search tokens', () => {
  it('indexes names, company words and the email, never domain endings, mail providers or legal forms', () => {
    const tokens = searchTokens({
      firstName: 'Anna',
      lastName: 'Hamburg',
      companyName: 'Hamburg Consulting GmbH',
      email: 'anna@web.de',
    });

    expect(indexableTokens(tokens).sort()).toEqual(['anna', 'anna@web.de', 'consulting', 'hamburg'].sort());
    // an uncommon ending stays: it is a word like any other
    expect(indexableTokens(searchTokens({ lastName: 'Kiel', email: 'info@kiel.hamburg' }))).toContain('hamburg');
  });

  it('searches by a word that is neither common nor the start of a common token', () => {
    expect(searchWord(queryWords('anna hotmai'))).toBe('anna');
    expect(searchWord(queryWords('muster gmbh'))).toBe('muster');
    // a common word alone is still searched for the longer tokens it begins
    expect(searchWord(queryWords('de'))).toBe('de');
  });
});
