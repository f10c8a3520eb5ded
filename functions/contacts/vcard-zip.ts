/** A zip of vCard files, one per person: imported on first use, so fflate costs only the exports that split. */
import { strToU8, zipSync } from 'fflate';

export const zipCards = (files: Record<string, string>): Uint8Array =>
  zipSync(Object.fromEntries(Object.entries(files).map(([name, text]) => [name, strToU8(text)])), { level: 6 });
