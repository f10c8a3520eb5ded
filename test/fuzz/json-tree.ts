/**
 * JSON values as the fuzz suite builds them: objects as Maps (so `__proto__` and `constructor` are
 * plain keys), and raw fragments for what JSON.stringify cannot write (a number with 42 digits,
 * 1e400, a lone surrogate escape, nesting thousands of levels deep).
 */

export class RawJson {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

export type Json = null | boolean | number | string | RawJson | Json[] | JsonObject;
export type JsonObject = Map<string, Json>;

export const isObject = (value: Json): value is JsonObject => value instanceof Map;

export const serialize = (value: Json): string => {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(serialize).join(',')}]`;
  if (isObject(value)) {
    return `{${[...value].map(([key, item]) => `${JSON.stringify(key)}:${serialize(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
};

/** A value as a flat form post: top-level keys with their text, nested values as JSON text. */
export const formEncode = (value: Json): string => {
  if (!isObject(value)) return `value=${encodeURIComponent(serialize(value))}`;
  return [...value]
    .map(([key, item]) => {
      const text = typeof item === 'string' ? item : serialize(item);
      return `${encodeURIComponent(key)}=${encodeURIComponent(text.isWellFormed() ? text : text.toWellFormed())}`;
    })
    .join('&');
};

export type Path = (string | number)[];

/** Every place a mutation can hit: the value itself and each nested value, containers included. */
export const pathsOf = (value: Json, path: Path = []): Path[] => {
  const here = [path];
  if (Array.isArray(value)) return [...here, ...value.flatMap((item, i) => pathsOf(item, [...path, i]))];
  if (isObject(value)) return [...here, ...[...value].flatMap(([key, item]) => pathsOf(item, [...path, key]))];
  return here;
};

const copy = (value: Json): Json => {
  if (Array.isArray(value)) return value.map(copy);
  if (isObject(value)) return new Map([...value].map(([k, v]) => [k, copy(v)]));
  return value;
};

/** The value with the node at `path` passed through `change` (which may return undefined to remove it). */
export const updateAt = (value: Json, path: Path, change: (node: Json) => Json | undefined): Json | undefined => {
  if (path.length === 0) return change(value);
  const root = copy(value);
  let parent: Json = root;
  for (const step of path.slice(0, -1)) {
    const next: Json | undefined = Array.isArray(parent)
      ? parent[Number(step)]
      : isObject(parent)
        ? parent.get(String(step))
        : undefined;
    if (next === undefined) return root;
    parent = next;
  }
  const last = path.at(-1) ?? '';
  if (Array.isArray(parent)) {
    const index = Number(last);
    const node = parent[index];
    if (node === undefined) return root;
    const changed = change(node);
    if (changed === undefined) parent.splice(index, 1);
    else parent[index] = changed;
  } else if (isObject(parent)) {
    const node = parent.get(String(last));
    if (node === undefined) return root;
    const changed = change(node);
    if (changed === undefined) parent.delete(String(last));
    else parent.set(String(last), changed);
  }
  return root;
};

/** Nested containers `levels` deep around a leaf, as text (a recursive builder would overflow first). */
export const deeplyNested = (levels: number, kind: 'array' | 'object'): RawJson =>
  kind === 'array'
    ? new RawJson(`${'['.repeat(levels)}1${']'.repeat(levels)}`)
    : new RawJson(`${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`);
