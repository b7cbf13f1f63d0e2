/**
 * `record[key]` only when `key` is one of the record's own entries. A client-given id such as
 * `__proto__`, `constructor` or `toString` must be an unknown id, never an inherited Object member.
 */
export const ownEntry = <V>(record: Readonly<Record<string, V>>, key: string): V | undefined =>
  Object.hasOwn(record, key) ? record[key] : undefined
