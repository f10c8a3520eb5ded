/** The import API: create an import with its upload URL, start it once its file is there, read its report. */
import { ulid } from 'ulid';
import type * as z from 'zod/mini';
import { importReport, newImport } from '../../domain/imports/csv-import.ts';
import { conflict, notFound } from '../../domain/shared/errors.ts';
import type { CsvImportRequestedV1 } from '../../events/csv-import-requested.v1.ts';
import type { HttpRequest, HttpResult } from '../shared/http.ts';
import type { QueuePublisher } from '../shared/queue-publisher.ts';
import type { ImportRepository } from './import.repository.ts';
import type { ImportFileStore } from './import-file-store.ts';
import type { ImportIdPath, NewImportBody } from './imports-input.ts';

export type ImportsDeps = {
  imports: ImportRepository;
  files: ImportFileStore;
  publisher: QueuePublisher<CsvImportRequestedV1>;
  csvImportsQueueUrl: string;
  now: () => Date;
};

type Path = z.infer<typeof ImportIdPath>;

const load = async (deps: Pick<ImportsDeps, 'imports'>, id: string) => {
  const imp = await deps.imports.get(id);
  if (!imp) throw notFound('import', id);
  return imp;
};

export const createImport =
  (deps: ImportsDeps) =>
  async (request: HttpRequest<z.infer<typeof NewImportBody>, undefined, undefined>): Promise<HttpResult> => {
    const now = deps.now();
    const imp = newImport({
      id: ulid(now.getTime()),
      filename: request.body.filename,
      mapping: request.body.mapping ?? null,
      createdBy: request.user?.id ?? null,
      now,
    });
    const uploadUrl = await deps.files.uploadUrl(imp.id);
    await deps.imports.create(imp);
    return { status: 201, body: { id: imp.id, uploadUrl }, headers: { location: `/v1/imports/${imp.id}` } };
  };

export const startImport =
  (deps: ImportsDeps) =>
  async (request: HttpRequest<undefined, Path, undefined>): Promise<HttpResult> => {
    const imp = await load(deps, request.path.id);
    if (imp.status !== 'waiting_upload') {
      throw conflict('import-already-started', `import ${imp.id} was started already (it is ${imp.status})`);
    }
    if ((await deps.files.size(imp.id)) === null) {
      throw conflict(
        'import-file-missing',
        `import ${imp.id} has no file yet: PUT the file to the uploadUrl from its creation, then start it`,
      );
    }
    const now = deps.now();
    await deps.imports.markQueued(imp.id, now);
    try {
      await deps.publisher.publish(deps.csvImportsQueueUrl, {
        type: 'csv-import-requested',
        version: 1,
        importId: imp.id,
        requestedAt: now.toISOString(),
      });
    } catch (error) {
      // Nothing will run it: put it back so that starting again works.
      await deps.imports.unmarkQueued(imp.id, now);
      throw error;
    }
    return { status: 202, body: importReport({ ...imp, status: 'queued' }, []) };
  };

export const getImport =
  (deps: Pick<ImportsDeps, 'imports'>) =>
  async (request: HttpRequest<undefined, Path, undefined>): Promise<HttpResult> => {
    const imp = await load(deps, request.path.id);
    const errors = imp.rowsFailed > 0 ? await deps.imports.listErrors(imp.id) : [];
    return { status: 200, body: importReport(imp, errors) };
  };
