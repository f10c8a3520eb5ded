/**
 * How every function is bundled, shared by the CDK app (NodejsFunction) and the benchmarks, so the
 * measured bundle is the deployed one. The AWS SDK is bundled, not taken from the runtime: the
 * version is then the pinned one, and esbuild drops what a function does not use.
 */
import type { BuildOptions } from 'esbuild';

export const bundlingTarget = 'node24';

/** ESM output still meets CommonJS dependencies (mailparser, …) that call `require`. */
export const esmRequireBanner =
  "import{createRequire as __kontaktCreateRequire}from'node:module';const require=__kontaktCreateRequire(import.meta.url);";

export const esbuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: bundlingTarget,
  minify: true,
  mainFields: ['module', 'main'],
  banner: { js: esmRequireBanner },
  legalComments: 'none',
} satisfies BuildOptions;
