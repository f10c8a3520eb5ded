/** Jaro–Winkler similarity (0..1) for names and streets: typos and transpositions near the end cost little. */
import imported from 'talisman/metrics/jaro-winkler.js';

const similarity = typeof imported === 'function' ? imported : imported.default;

export const jaroWinkler = (a: string, b: string): number => (a.length === 0 || b.length === 0 ? 0 : similarity(a, b));
