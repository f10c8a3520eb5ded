/**
 * Jaro–Winkler similarity (0..1) for names and streets: typos and transpositions near the end cost little.
 *
 * Jaro (1989) with Winkler's (1990) bonus for a common prefix of up to four characters (scaling 0.1,
 * only above a Jaro score of 0.7), as talisman's `metrics/jaro-winkler` (1.1.4) computes it, on
 * UTF-16 code units; vendored, and held to talisman's outputs for 1,700 pairs by
 * test/unit/domain/string-similarity.test.ts, so the tuned match thresholds keep their meaning.
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

const boostThreshold = 0.7;
const scalingFactor = 0.1;
const maxPrefix = 4;

/** Jaro: matches within half the longer length, and half their transpositions. */
const jaro = (a: string, b: string): number => {
  if (a === b) return 1;
  const [longer, shorter] = a.length > b.length ? [a, b] : [b, a];
  const range = Math.max(Math.floor(longer.length / 2) - 1, 0);
  const matchedAt: number[] = new Array(shorter.length).fill(-1);
  const taken: boolean[] = new Array(longer.length).fill(false);
  let matches = 0;
  for (let i = 0; i < shorter.length; i++) {
    const end = Math.min(i + range + 1, longer.length);
    for (let j = Math.max(i - range, 0); j < end; j++) {
      if (!taken[j] && shorter.charAt(i) === longer.charAt(j)) {
        matchedAt[i] = j;
        taken[j] = true;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  const inShorter: string[] = [];
  for (let i = 0; i < shorter.length; i++) if (matchedAt[i] !== -1) inShorter.push(shorter.charAt(i));
  const inLonger: string[] = [];
  for (let j = 0; j < longer.length; j++) if (taken[j]) inLonger.push(longer.charAt(j));
  let outOfOrder = 0;
  for (let k = 0; k < matches; k++) if (inShorter[k] !== inLonger[k]) outOfOrder++;
  const transpositions = Math.floor(outOfOrder / 2);
  return (matches / a.length + matches / b.length + (matches - transpositions) / matches) / 3;
};

const jaroWinklerOf = (a: string, b: string): number => {
  if (a === b) return 1;
  const score = jaro(a, b);
  if (score < boostThreshold) return score;
  const limit = Math.min(a.length, b.length, maxPrefix);
  let prefix = 0;
  while (prefix < limit && a.charAt(prefix) === b.charAt(prefix)) prefix++;
  return score + prefix * scalingFactor * (1 - score);
};

/** 0 when either side is empty: an unknown value is no evidence of likeness. */
export const jaroWinkler = (a: string, b: string): number =>
  a.length === 0 || b.length === 0 ? 0 : jaroWinklerOf(a, b);
