// No key is built outside an entity declaration (ENGINEERING.md habit 4, docs/storage-layer.md):
// partition and sort-key literals, bare partitions, index names and taking keys apart live in
// `*.entity.ts` files only; everything else asks an entity for a key or a named access pattern.
// Unit tests of the entities pin the stored bytes with literals on purpose and are not scanned;
// domain/duplicates builds lookup key *values* (`EMAIL#…`), which the lookup entity files under its
// own partition, so it is not scanned either.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const sourceFolders = ['functions', 'infra', 'bench'];

const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });

/** `'USER#'`, `` `INBOX#STATUS#${s}` ``, `'ERROR#'`: an upper-case prefix ending in # at the start of a string. */
const keyLiteral = /['"`][A-Z][A-Z0-9]*#/;
/** Partitions that are one word. */
const bareKeys =
  /['"`](USERS|WEBFORMS|EMAILS|AGENCIES|PERSONS|COMPANIES|OPPS|PIPELINES|INBOX|IMPORTS|SETTINGS|DUPCHECK|MERGE)['"`]/;
const indexName = /index:\s*['"]gsi\d['"]|IndexName:\s*['"]gsi\d['"]|\bgsi\d(pk|sk)\b/;
/** The TTL attribute is the table's (`tableDefinition.ttlAttribute`), never typed again. */
const ttlName = /['"]ttl['"]/;
const keySplit = /\b(pk|sk|gsi\dsk|gsi\dpk)\b[^\n]*\.split\(/;
/**
 * The benchmarks' baselines write plain items that are no Kontakt noun (raw `BatchWriteItem` rows,
 * an entry copied under its own partition): `BENCH#` and `ROW#` exist only there.
 */
const benchBaseline = (file: string, text: string): boolean =>
  file.startsWith('bench/') && /[`'"](BENCH|ROW)#|\/\^gsi\\dpk\$\//.test(text);

const offendingLines = (file: string, source: string) =>
  source
    .split('\n')
    .map((line, i) => ({ file, line: i + 1, text: line.trim() }))
    .filter(({ text }) => !text.startsWith('//') && !text.startsWith('/*') && !text.startsWith('*'))
    .filter(
      ({ text }) =>
        keyLiteral.test(text) ||
        bareKeys.test(text) ||
        indexName.test(text) ||
        ttlName.test(text) ||
        keySplit.test(text),
    )
    .filter(({ text }) => !benchBaseline(file, text));

describe('keys are declared by entities only', () => {
  it('flags a key literal, a bare partition, an index name and a key split', () => {
    const source = [
      "const key = { pk: 'WEBFORM#' + id, sk: 'WEBFORM' };",
      "await store.query({ index: 'gsi1', pk: 'USERS' });",
      "const [, id] = item.sk.split('#');",
      'const gsi2pk = relationship;',
      "const names = { '#ttl': 'ttl' };",
      "// 'USER#' in a comment is fine",
      'const fine = users.byEmail(email);',
    ].join('\n');

    expect(offendingLines('functions/example.ts', source).map((o) => o.line)).toEqual([1, 2, 3, 4, 5]);
  });

  it('builds no key, names no index and splits no key outside a *.entity.ts file', () => {
    const offenders = sourceFolders
      .flatMap((folder) => files(join(root, folder)))
      // the table's own definition names its key, index and TTL attributes
      .filter((file) => !file.endsWith('.entity.ts') && relative(root, file) !== 'functions/shared/table.ts')
      .flatMap((file) => offendingLines(relative(root, file), readFileSync(file, 'utf8')));

    expect(offenders.map((o) => `${o.file}:${o.line}: ${o.text}`)).toEqual([]);
  });
});
