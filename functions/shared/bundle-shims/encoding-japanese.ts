/**
 * encoding-japanese as libmime uses it (`convert(bytes, { to: 'UNICODE', from, type: 'string' })`
 * for ISO-2022-JP, JIS and EUC-JP), on Node's own `TextDecoder`. The deployed bundles alias
 * `encoding-japanese` to this module (infra/bundling.ts).
 */
const labelOf = (from: string): string => {
  const name = from.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (name.startsWith('eucjp')) return 'euc-jp';
  if (name.startsWith('sjis') || name.startsWith('shiftjis')) return 'shift_jis';
  return 'iso-2022-jp';
};

export const convert = (bytes: Uint8Array, options: { to: string; from: string; type?: string }): string =>
  new TextDecoder(labelOf(options.from)).decode(bytes);

export default { convert };
