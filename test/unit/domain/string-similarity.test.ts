import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { jaroWinkler } from '../../../domain/duplicates/string-similarity.ts';

// Recorded from talisman 1.1.4 before it was vendored: the match thresholds were tuned on its values.
const reference = z
  .object({ jaroWinkler: z.array(z.tuple([z.string(), z.string(), z.number()])) })
  .parse(JSON.parse(readFileSync('test/fixtures/string-metrics/talisman-1.1.4.json', 'utf8')));

describe('jaroWinkler', () => {
  it('gives the textbook values', () => {
    // Winkler's examples: MARTHA/MARHTA 0.961, DWAYNE/DUANE 0.84, DIXON/DICKSONX 0.813
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.9611, 4);
    expect(jaroWinkler('dwayne', 'duane')).toBeCloseTo(0.84, 4);
    expect(jaroWinkler('dixon', 'dicksonx')).toBeCloseTo(0.8133, 4);
  });

  it('is 1 for equal texts, 0 with nothing in common or an empty side', () => {
    expect(jaroWinkler('mueller', 'mueller')).toBe(1);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
    expect(jaroWinkler('', '')).toBe(0);
    expect(jaroWinkler('anna', '')).toBe(0);
  });

  it('is symmetric', () => {
    for (const [a, b] of reference.jaroWinkler.slice(0, 300))
      expect(jaroWinkler(b, a), `${a} / ${b}`).toBe(jaroWinkler(a, b));
  });

  it(`gives exactly talisman's value for each of ${reference.jaroWinkler.length} recorded pairs`, () => {
    const differing = reference.jaroWinkler.filter(([a, b, expected]) => jaroWinkler(a, b) !== expected);
    expect(differing).toEqual([]);
  });
});
