/** JSON merge patch (RFC 7396) over plain records: null removes a field, objects merge, everything else replaces. */

type Plain = Record<string, unknown>;

const isPlainObject = (value: unknown): value is Plain =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const applyMergePatch = <T extends object>(target: T, patch: object): T => {
  const next: Plain = Object.fromEntries(Object.entries(target));
  for (const [field, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) {
      delete next[field];
      continue;
    }
    const current = next[field];
    if (isPlainObject(value)) {
      const merged = applyMergePatch(isPlainObject(current) ? current : {}, value);
      if (Object.keys(merged).length === 0) delete next[field];
      else next[field] = merged;
    } else next[field] = value;
  }
  // the caller validates the result against T's rules; the shape is T's by construction
  return next as T;
};
