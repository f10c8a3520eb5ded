/**
 * `npm run openapi`: writes `docs/openapi.json`, the OpenAPI description of every route the modules
 * deploy, built from the zod schemas of their routes files. The openapi function serves this file;
 * a unit test fails while it differs from what the routes say, so run this after changing a route.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildOpenApiDocument } from '../../functions/openapi/openapi-document.ts';
import { apiRoutes } from '../manifest.ts';

export const openApiFile = new URL('../../docs/openapi.json', import.meta.url);

/** The document as the file holds it: two-space JSON and a final newline. */
export const openApiText = (): string => `${JSON.stringify(buildOpenApiDocument(apiRoutes()), null, 2)}\n`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(openApiFile, openApiText());
  process.stdout.write(`wrote ${openApiFile.pathname}\n`);
}
