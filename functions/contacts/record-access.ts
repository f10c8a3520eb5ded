/**
 * Reading persons and companies from HTTP: a merged id answers 308 to its survivor (API.md), an id
 * being merged away refuses changes, an unknown id is 404; and merging two records of a kind.
 */
import { conflict, type KontaktError, notFound, unprocessable, validationError } from '../../domain/shared/errors.ts';
import type { HttpResult } from '../shared/http.ts';
import { mergedRedirect } from '../shared/problem.ts';
import type { RecordStore, StoredRecord } from './contact-records.ts';
import type { createRecordMerger } from './record-merge.ts';

/** What a read of a merged id finds: not an error, the survivor it lives on as (answered 308 by `redirectAnswer`). */
export class MergedInto {
  readonly detail: string;
  readonly survivorId: string;
  readonly location: string;

  constructor(detail: string, survivorId: string, location: string) {
    this.detail = detail;
    this.survivorId = survivorId;
    this.location = location;
  }
}

/** The 308 a request for a merged id is answered with. */
export const redirectAnswer = (merged: MergedInto, requestPath: string): HttpResult =>
  mergedRedirect(merged.detail, merged.survivorId, merged.location, requestPath);

export type Collection = { what: 'person' | 'company'; basePath: '/v1/persons' | '/v1/companies' };

/** The path a request for a merged id is sent on to: the same sub-resource of the survivor. */
const survivorLocation = (collection: Collection, path: string, id: string, survivorId: string): string =>
  path.startsWith(`${collection.basePath}/${id}`)
    ? `${collection.basePath}/${survivorId}${path.slice(collection.basePath.length + 1 + id.length)}`
    : `${collection.basePath}/${survivorId}`;

export const loadActive = async <T extends StoredRecord>(
  store: Pick<RecordStore<T>, 'load'>,
  collection: Collection,
  id: string,
  requestPath: string,
  options: { forChange?: boolean } = {},
): Promise<T | MergedInto> => {
  const loaded = await store.load(id, { consistent: options.forChange ?? false });
  if (!loaded) throw notFound(collection.what, id);
  if (loaded.state === 'merged') {
    return new MergedInto(
      `${collection.what} ${id} was merged into ${loaded.mergedInto}`,
      loaded.mergedInto,
      survivorLocation(collection, requestPath, id, loaded.mergedInto),
    );
  }
  if (options.forChange && loaded.mergingInto) {
    throw conflict('merge-in-progress', `${collection.what} ${id} is being merged into ${loaded.mergingInto}`, {
      survivorId: loaded.mergingInto,
    });
  }
  return loaded.record;
};

/** A link to another record must name one that exists and is not merged or being merged away. */
export const requireLinkable = async <T extends StoredRecord>(
  store: Pick<RecordStore<T>, 'load'>,
  field: string,
  what: string,
  id: string | undefined,
): Promise<void> => {
  if (id === undefined) return;
  const loaded = await store.load(id);
  if (!loaded) throw unprocessable(field, `no ${what} ${id}`);
  if (loaded.state === 'merged')
    throw unprocessable(field, `${what} ${id} was merged into ${loaded.mergedInto}; link that one`);
  if (loaded.mergingInto) throw unprocessable(field, `${what} ${id} is being merged into ${loaded.mergingInto}`);
};

export const staleVersion = (what: string, id: string, current: number, given: number): KontaktError =>
  conflict('stale-version', `${what} ${id} is at version ${current}, not ${given}`);

/**
 * Merges `duplicateId` into `survivorId`, or continues a merge that stopped halfway. A finished
 * merge asked for again answers the survivor. `dropFor` gives the records above the survivor whose
 * link to the duplicate would, moved, make a cycle.
 */
export const mergeRecords = async <T extends StoredRecord>(
  deps: {
    store: RecordStore<T>;
    merger: ReturnType<typeof createRecordMerger<T>>;
    absorb: (survivor: T, duplicate: T, now: Date) => T;
    ancestorsOf: (record: T) => Promise<string[]>;
    now: () => Date;
  },
  collection: Collection,
  survivorId: string,
  duplicateId: string,
  requestPath: string,
): Promise<T | MergedInto> => {
  if (survivorId === duplicateId) {
    throw validationError([{ field: 'duplicateId', message: `must differ from the survivor's id` }]);
  }
  const survivor = await loadActive(deps.store, collection, survivorId, requestPath, { forChange: true });
  // a survivor merged away itself: the request is sent on to the one it lives on as
  if (survivor instanceof MergedInto) return survivor;
  const loaded = await deps.store.load(duplicateId, { consistent: true });
  if (!loaded) throw unprocessable('duplicateId', `no ${collection.what} ${duplicateId}`);
  if (loaded.state === 'merged') {
    if (loaded.mergedInto === survivorId) return survivor;
    throw conflict('already-merged', `${collection.what} ${duplicateId} was merged into ${loaded.mergedInto}`, {
      survivorId: loaded.mergedInto,
    });
  }
  if (loaded.mergingInto && loaded.mergingInto !== survivorId) {
    throw conflict(
      'merge-in-progress',
      `${collection.what} ${duplicateId} is being merged into ${loaded.mergingInto}`,
      {
        survivorId: loaded.mergingInto,
      },
    );
  }
  const now = deps.now();
  let current = survivor;
  if (!loaded.mergingInto) {
    current = deps.absorb(survivor, loaded.record, now);
    await deps.merger.start(survivor, current, loaded.record, now);
  }
  await deps.merger.moveLinks(duplicateId, survivorId, new Set(await deps.ancestorsOf(current)));
  // the duplicate as it is now: its own links may have been moved meanwhile by another merge
  const latest = await deps.store.load(duplicateId, { consistent: true });
  await deps.merger.finish(latest?.state === 'active' ? latest.record : loaded.record, survivorId, now);
  return loadActive(deps.store, collection, survivorId, requestPath, { forChange: true });
};
