import { isRecord } from "./isRecord.js"

/** The value at a key path inside parsed JSON, or `undefined` where any step is not an object. */
export const valueAt = (value: unknown, ...keys: ReadonlyArray<string>): unknown =>
  keys.reduce<unknown>((current, key) => (isRecord(current) ? current[key] : undefined), value)
