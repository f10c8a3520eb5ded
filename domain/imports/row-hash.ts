/**
 * The identity of an imported row: a hash of its values as the import reads them, so the same
 * contact in a re-run (or a re-export with other column order, case or spacing) is the same row.
 */
import { createHash } from 'node:crypto';
import { foldText } from '../inbox/search-tokens.ts';
import { type ImportTarget, importTargets, type MappedRow } from './header-mapping.ts';

/** Folded (case, umlauts, accents) with runs of white space as one; phones keep only digits and "+". */
export const normaliseValue = (target: ImportTarget, value: string): string => {
  const folded = foldText(value.normalize('NFC')).replace(/\s+/g, ' ').trim();
  return target === 'phone' ? folded.replace(/[^0-9+]/g, '') : folded;
};

/** SHA-256 (hex) over the non-empty normalised values in a fixed target order. */
export const rowHash = (row: MappedRow): string => {
  const parts: [ImportTarget, string][] = [];
  for (const target of importTargets) {
    const value = row[target];
    const normalised = value === undefined ? '' : normaliseValue(target, value);
    if (normalised !== '') parts.push([target, normalised]);
  }
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
};
