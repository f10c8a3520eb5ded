/** Company names reduced to what distinguishes them: case, umlauts, legal forms and punctuation do not count. */
import { foldText } from '../inbox/search-tokens.ts';

/**
 * Legal forms as word sequences after folding and punctuation removal ("e.K." → "e k", "&" → "und").
 * Stripped only at the end, repeatedly, so "GmbH & Co. KG" goes as kg, co, und, gmbh in turn.
 */
export const legalForms: readonly (readonly string[])[] = [
  ['gmbh'],
  ['ggmbh'],
  ['mbh'],
  ['gesellschaft', 'mit', 'beschraenkter', 'haftung'],
  ['ag'],
  ['aktiengesellschaft'],
  ['ug'],
  ['haftungsbeschraenkt'],
  ['kg'],
  ['kommanditgesellschaft'],
  ['kgaa'],
  ['ohg'],
  ['gbr'],
  ['partg'],
  ['partgmbb'],
  ['partg', 'mbb'],
  ['mbb'],
  ['eg'],
  ['e', 'k'],
  ['ek'],
  ['e', 'kfm'],
  ['e', 'kfr'],
  ['e', 'v'],
  ['ev'],
  ['se'],
  ['ltd'],
  ['limited'],
  ['inc'],
  ['incorporated'],
  ['llc'],
  ['corp'],
  ['corporation'],
  ['plc'],
  ['co'],
  ['und'],
];

const connectors = new Map([
  ['and', 'und'],
  ['u', 'und'],
]);

const endsWith = (tokens: readonly string[], suffix: readonly string[]): boolean =>
  suffix.length < tokens.length && suffix.every((t, i) => tokens[tokens.length - suffix.length + i] === t);

const stripLegalForms = (tokens: string[]): string[] => {
  let rest = tokens;
  for (;;) {
    const form = legalForms.find((f) => endsWith(rest, f));
    if (!form) return rest;
    rest = rest.slice(0, rest.length - form.length);
  }
};

/**
 * The comparable core of a company name: folded, "&", "+", "and", "u." all "und", punctuation
 * dropped, legal forms at the end removed (never the first word). "Müller GmbH & Co. KG",
 * "Mueller GmbH" and "MÜLLER" all give "mueller"; '' when nothing comparable is left.
 */
export const companyKey = (name: string): string => {
  const tokens = foldText(name)
    .replace(/[&+]/g, ' und ')
    .replace(/['’`´]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 0)
    .map((t) => connectors.get(t) ?? t);
  const withoutFirma = tokens.length > 1 && (tokens[0] === 'firma' || tokens[0] === 'fa') ? tokens.slice(1) : tokens;
  // A name of connectors alone ("&") has nothing to compare.
  return withoutFirma.every((t) => t === 'und') ? '' : stripLegalForms(withoutFirma).join(' ');
};

/** The words of a company key (`companyKey` output); word order is not part of a company's identity. */
export const companyNameTokens = (key: string): string[] => key.split(' ').filter((t) => t.length > 0);

/**
 * Trade and sector words that many unrelated companies carry ("Bäckerei Müller", "Elektro Schmitz",
 * "Autohaus Meier"), folded as `companyKey` folds them. Their prior frequency is high, so agreeing on
 * one is weak evidence even before the stored companies' own counts say so.
 */
export const tradeWords: ReadonlySet<string> = new Set([
  'abschleppdienst',
  'agentur',
  'apotheke',
  'architekten',
  'architekturbuero',
  'auto',
  'autohaus',
  'autoservice',
  'baeckerei',
  'bau',
  'baugeschaeft',
  'bauunternehmen',
  'bauunternehmung',
  'beratung',
  'bestattungen',
  'betrieb',
  'blumen',
  'buchhandlung',
  'buero',
  'cafe',
  'consulting',
  'dach',
  'dachdecker',
  'dachdeckerei',
  'design',
  'deutschland',
  'dienstleistungen',
  'druckerei',
  'elektro',
  'elektrotechnik',
  'energie',
  'fahrschule',
  'fenster',
  'fensterbau',
  'finanz',
  'fleischerei',
  'fliesen',
  'friseur',
  'gaertnerei',
  'galabau',
  'garten',
  'gartenbau',
  'gastronomie',
  'gebaeudereinigung',
  'gebaeudetechnik',
  'germany',
  'getraenke',
  'gmbh',
  'group',
  'gruppe',
  'handel',
  'handwerk',
  'haus',
  'haustechnik',
  'heizung',
  'holding',
  'holz',
  'hotel',
  'immobilien',
  'industrie',
  'ingenieurbuero',
  'installation',
  'international',
  'it',
  'kanzlei',
  'kfz',
  'klima',
  'kosmetik',
  'logistik',
  'maler',
  'malerbetrieb',
  'management',
  'marketing',
  'maschinenbau',
  'media',
  'medien',
  'metallbau',
  'metzgerei',
  'moebel',
  'optik',
  'partner',
  'personal',
  'pflege',
  'pflegedienst',
  'physiotherapie',
  'praxis',
  'reinigung',
  'reisen',
  'restaurant',
  'rechtsanwaelte',
  'rechtsanwalt',
  'sanitaer',
  'schlosserei',
  'schreinerei',
  'service',
  'services',
  'software',
  'solar',
  'solutions',
  'spedition',
  'steuerberater',
  'steuerberatung',
  'studio',
  'systems',
  'taxi',
  'technik',
  'technologies',
  'tiefbau',
  'tischlerei',
  'transporte',
  'umzuege',
  'versicherung',
  'versicherungen',
  'vertrieb',
  'verwaltung',
  'werbung',
  'werkstatt',
  'zahnarzt',
  'zahnarztpraxis',
  'zimmerei',
]);
