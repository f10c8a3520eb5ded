/** The import routes' contracts. */
import type { AnyRouteSpec } from '../shared/http.ts';
import { CreatedImportSchema, ImportReportSchema } from './import-response.ts';
import { ImportIdPath, NewImportBody } from './imports-input.ts';

export const importsRoutes = {
  'POST /v1/imports': {
    summary:
      'Creates a CSV import and answers an upload URL (PUT the file there within 15 minutes); mapping overrides header detection',
    auth: 'user',
    body: NewImportBody,
    responds: { status: 201, description: 'the import and where to upload its file', schema: CreatedImportSchema },
  },
  'GET /v1/imports/{id}': {
    summary: 'An import’s status and report: row counters and the first 1,000 errors in row order',
    auth: 'user',
    path: ImportIdPath,
    responds: { status: 200, description: 'the report', schema: ImportReportSchema },
  },
  'POST /v1/imports/{id}/start': {
    summary: 'Starts an import whose file was uploaded; starting twice, or before the upload, is 409',
    auth: 'user',
    path: ImportIdPath,
    responds: { status: 202, description: 'queued', schema: ImportReportSchema },
  },
} as const satisfies Record<string, AnyRouteSpec>;
