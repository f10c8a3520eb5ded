/**
 * Work a module defers from a function's cold start to its first invocation: loading a large
 * table of data that only some requests read (the phone numbering plan). A module registers its
 * loader when it is imported; every handler awaits `initDeferred()` before its work (the shared
 * HTTP, queue and scheduled handler wrappers do), which loads everything registered once and is a
 * settled promise afterwards. Code run outside a handler (tests, scripts, benchmarks) awaits it
 * once at its start. A failed load is tried again by the next invocation.
 */
const loaders = new Set<() => Promise<void>>();
let ready: Promise<void> | undefined;

export const deferInit = (load: () => Promise<void>): void => {
  loaders.add(load);
  ready = undefined;
};

export const initDeferred = (): Promise<void> => {
  ready ??= Promise.all([...loaders].map((load) => load())).then(
    () => undefined,
    (error: unknown) => {
      ready = undefined;
      throw error;
    },
  );
  return ready;
};
