/**
 * JSON with every object's keys in order: equal values give equal text whatever order their keys
 * came in (a store such as PostgreSQL's jsonb hands objects back with keys reordered).
 */
export const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );

const equal = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);

export interface FieldChanges<T> {
  changes: Partial<T>;
  previous: Partial<T>;
}

/**
 * The fields of `patch` whose value differs from `current`, with their old values: the body of an
 * `updated` event (api.md: new values plus `previous` of changed fields). Empty when nothing changes.
 */
export const changedFields = <T extends object>(current: T, patch: Partial<T>): FieldChanges<T> => {
  const changes: Partial<T> = {};
  const previous: Partial<T> = {};
  for (const key of Object.keys(patch) as (keyof T)[]) {
    if (patch[key] === undefined || equal(current[key], patch[key])) continue;
    changes[key] = patch[key];
    previous[key] = current[key];
  }
  return { changes, previous };
};

export const hasChanges = <T>(c: FieldChanges<T>) => Object.keys(c.changes).length > 0;
