/**
 * `he` as mailparser uses it: `encode` for the HTML it builds of address headers and plain text,
 * which Kontakt never reads (it keeps the text and the HTML part as sent). The deployed bundles
 * alias `he` to this module (infra/bundling.ts); escaping the five HTML metacharacters keeps any
 * such HTML safe, and saves he's entity tables.
 */
const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#x27;',
  '`': '&#x60;',
};

export const encode = (text: string): string => String(text).replace(/[&<>"'`]/g, (c) => escapes[c] ?? c);

export default { encode, escape: encode };
