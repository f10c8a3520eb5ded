import { describe, expect, it } from 'vitest';
import { loadFebrl, lookupReadLimit, measureQuality, type Quality } from '../../support/febrl.ts';

const figures = (r: Quality['match']) =>
  `precision ${r.precision.toFixed(4)} recall ${r.recall.toFixed(4)} F1 ${r.f1.toFixed(4)} (tp ${r.truePositives}, fp ${r.falsePositives}, fn ${r.falseNegatives})`;

const report = (title: string, quality: Quality): void =>
  console.log(
    [
      `${title}: ${quality.probes} duplicates probed, ${quality.truePairs} of them with a stored original`,
      `  match:            ${figures(quality.match)}`,
      `  match ∪ possible: ${figures(quality.matchOrPossible)}`,
      `  largest key partition: ${quality.largestPartition} (reads capped at ${lookupReadLimit}); most candidates per probe: ${quality.mostCandidates}`,
    ].join('\n'),
  );

describe('duplicate protection on Febrl dataset1 (the tuning set)', () => {
  const records = loadFebrl('dataset1.csv');

  it('finds the duplicates of stored persons with precision ≥ 0.99 and recall ≥ 0.95', () => {
    const quality = measureQuality(records);

    report('Febrl dataset1', quality);

    expect(quality.truePairs).toBe(500);
    expect(quality.matchOrPossible.precision).toBeGreaterThanOrEqual(0.99);
    expect(quality.matchOrPossible.recall).toBeGreaterThanOrEqual(0.95);
    expect(quality.match.precision).toBeGreaterThanOrEqual(0.99);
  });

  it('finds nothing for the duplicates of persons that were never stored (every fifth held out)', () => {
    const quality = measureQuality(records, { holdOut: (entity) => entity % 5 === 0 });

    report('Febrl dataset1, originals with N divisible by 5 held out', quality);
    expect(quality.truePairs).toBe(400);
    expect(quality.matchOrPossible.falsePositives).toBe(0);
    expect(quality.matchOrPossible.recall).toBeGreaterThanOrEqual(0.95);
  });
});
