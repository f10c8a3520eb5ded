/**
 * How every function is bundled, shared by the CDK app (infra/cdk/kontakt-function.ts) and the
 * benchmarks, so the measured bundle is the deployed one. The AWS SDK is bundled, not taken from the runtime: the
 * version is then the pinned one, and esbuild drops what a function does not use.
 */
import type { BuildOptions } from 'esbuild';

export const bundlingTarget = 'node24';

/** ESM output still meets CommonJS dependencies (mailparser, …) that call `require`. */
export const esmRequireBanner =
  "import{createRequire as __kontaktCreateRequire}from'node:module';const require=__kontaktCreateRequire(import.meta.url);";

/**
 * Packages the deployed bundles replace (paths relative to the repository root, where esbuild runs).
 * The mail parser's charset tables (iconv-lite, encoding-japanese: 0.6 MB) give way to Node's own
 * `TextDecoder`, which knows the same legacy charsets; `he` and `dom-serializer` (HTML entities for
 * HTML that Kontakt never reads: 0.2 MB) to an escaper and a plain serialiser; and libmime, which mailparser imports as ESM and mailsplit requires
 * as CommonJS, is bundled once. test/infra/mail-bundle.test.ts reads mail with the bundled parser and the unbundled one alike.
 */
export const bundleAliases = {
  'iconv-lite': './functions/shared/bundle-shims/iconv-lite.ts',
  'encoding-japanese': './functions/shared/bundle-shims/encoding-japanese.ts',
  he: './functions/shared/bundle-shims/he.ts',
  'dom-serializer': './functions/shared/bundle-shims/dom-serializer.ts',
  libmime: './node_modules/libmime/dist/cjs/libmime.js',
} as const;

export const esbuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: bundlingTarget,
  minify: true,
  mainFields: ['module', 'main'],
  banner: { js: esmRequireBanner },
  legalComments: 'none',
  alias: bundleAliases,
  // a .map file beside the bundle (with its sourceMappingURL), read by --enable-source-maps when a
  // stack trace is printed: traces name files and lines, the bundle's bytes stay as they were, and
  // the map carries no source text
  sourcemap: 'linked',
  sourcesContent: false,
} satisfies BuildOptions;

/** The name of a function's entry in its bundle. */
const entryName = 'index';

/**
 * A function as deployed: its entry as `index.mjs` (Lambda's handler `index.handler`) and, beside it
 * in `chunks/`, the code it imports on demand. An HTTP function's cold start loads its entry — the
 * router and the SDK clients — and a request loads the code of its own route, once
 * (functions/shared/lazy-routes.ts): code splitting, which one output file cannot do. Code two
 * routes share is one chunk, loaded once.
 */
export const functionBundleOptions = (entry: string, outdir: string) =>
  ({
    ...esbuildOptions,
    entryPoints: { [entryName]: entry },
    outdir,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
  }) satisfies BuildOptions;

/** The deployed entry file within a function's bundle directory, and Lambda's name of its handler. */
export const functionEntryFile = `${entryName}.mjs`;
export const functionHandler = `${entryName}.handler`;
