/**
 * Kölner Phonetik (Postel 1969): one code for German names that sound alike (Meier, Maier, Mayer, Meyer).
 *
 * The algorithm is talisman's `phonetics/german/cologne` (1.1.4), vendored so that its quirks, which
 * every stored lookup key carries, stay exactly as they were (a leading H codes as nothing and so
 * drops the vowel after it: Hoffmann → 366; X after another letter codes as one value 48, not
 * squeezed with a following 8). test/unit/domain/cologne-phonetic.test.ts holds it to talisman's
 * outputs for 600 names.
 *
 * Talisman: Copyright (c) 2016-2020 Guillaume Plique (Yomguithereal), MIT License. Permission is
 * hereby granted, free of charge, to any person obtaining a copy of this software and associated
 * documentation files (the "Software"), to deal in the Software without restriction, including
 * without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or
 * sell copies of the Software, and to permit persons to whom the Software is furnished to do so,
 * subject to the following conditions: The above copyright notice and this permission notice shall
 * be included in all copies or substantial portions of the Software. THE SOFTWARE IS PROVIDED "AS
 * IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES
 * OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
 * AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN
 * ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR
 * THE USE OR OTHER DEALINGS IN THE SOFTWARE.
 */
import { foldText } from '../inbox/search-tokens.ts';

/** H codes as "nothing" (null), which still separates two equal codes before the squeeze. */
const codes: Readonly<Record<string, number | null>> = {
  H: null,
  A: 0,
  E: 0,
  I: 0,
  O: 0,
  U: 0,
  J: 0,
  Y: 0,
  B: 1,
  P: 1,
  F: 3,
  V: 3,
  W: 3,
  G: 4,
  K: 4,
  Q: 4,
  L: 5,
  M: 6,
  N: 6,
  R: 7,
  S: 8,
  Z: 8,
};

const beforeDT = new Set(['C', 'S', 'Z']);
const cAtStartBefore = new Set(['A', 'H', 'K', 'L', 'O', 'Q', 'R', 'U', 'X']);
const cBefore = new Set(['A', 'H', 'K', 'O', 'Q', 'U', 'X']);
const cNotAfter = new Set(['S', 'Z']);
const xAfter = new Set(['C', 'Q', 'K']);

/**
 * Latin letters that have no decomposition, as lodash's `deburr` (which talisman uses) spells
 * them in capitals; its lower-case parts (Æ → "Ae") fall away with the other non-letters.
 */
const undecomposed: Readonly<Record<string, string>> = {
  Æ: 'A',
  Ð: 'D',
  Ø: 'O',
  Þ: 'T',
  Đ: 'D',
  Ħ: 'H',
  Ĳ: 'IJ',
  Ŀ: 'L',
  Ł: 'L',
  Ŋ: 'N',
  Œ: 'O',
  Ŧ: 'T',
};

const lettersOnly = (name: string): string =>
  name
    .toUpperCase()
    .replace(/Ä/g, 'A')
    .replace(/Ö/g, 'O')
    .replace(/Ü/g, 'U')
    .replace(/ß/g, 'SS')
    .replace(/PH/g, 'F')
    .normalize('NFD')
    .replace(/[ÆÐØÞĐĦĲĿŁŊŒŦ]/g, (letter) => undecomposed[letter] ?? '')
    .replace(/[^A-Z]/g, '');

/** Postel's code of one name, as talisman computes it. */
const cologne = (text: string): string => {
  const name = lettersOnly(text);
  const digits: (number | null)[] = [];
  for (let i = 0; i < name.length; i++) {
    const letter = name.charAt(i);
    const previous = name.charAt(i - 1);
    const following = name.charAt(i + 1);
    const code = codes[letter];
    if (code !== undefined) digits.push(code);
    else if (letter === 'D' || letter === 'T') digits.push(beforeDT.has(following) ? 8 : 2);
    else if (letter === 'C') {
      const hard =
        (previous === '' && cAtStartBefore.has(following)) || (cBefore.has(following) && !cNotAfter.has(previous));
      digits.push(hard ? 4 : 8);
    } else if (letter === 'X') digits.push(xAfter.has(previous) ? 8 : 48);
  }
  // repeats collapse first, then every 0 but a leading one (and every "nothing") falls away
  const squeezed = digits.filter((digit, i) => i === 0 || digit !== digits[i - 1]);
  return squeezed
    .filter((digit, i) => i === 0 || Boolean(digit))
    .map((digit) => (digit === null ? '' : String(digit)))
    .join('');
};

/**
 * The code of the whole text, its words joined (as in the reference vector "Müller-Lüdenscheidt" →
 * 65752682): a double name is one name, and per-word codes would multiply the lookup keys. Umlauts
 * are spelled out first so that Müller and Mueller meet; '' when no Latin letter is left.
 */
export const colognePhonetic = (text: string): string => cologne(foldText(text));
