/** Kölner Phonetik (Postel 1969): one code for German names that sound alike (Meier, Maier, Mayer, Meyer). */
import imported from 'talisman/phonetics/german/cologne.js';
import { foldText } from '../inbox/search-tokens.ts';

const cologne = typeof imported === 'function' ? imported : imported.default;

/**
 * The code of the whole text, its words joined (as in the reference vector "Müller-Lüdenscheidt" →
 * 65752682): a double name is one name, and per-word codes would multiply the lookup keys. Umlauts
 * are spelled out first so that Müller and Mueller meet; '' when no Latin letter is left.
 */
export const colognePhonetic = (text: string): string => cologne(foldText(text));
