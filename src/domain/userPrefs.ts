import { Schema } from "effect"
import { isDeepStrictEqual } from "node:util"

/** `<stateDir>/control-ui/prefs.json`: the operator's Control UI preferences (theme, fonts...). */
export const PrefsFile = Schema.Struct({
  version: Schema.Literal(1),
  entries: Schema.Record({ key: Schema.String, value: Schema.Unknown })
})
export type PrefsFile = typeof PrefsFile.Type

export const emptyPrefsFile: PrefsFile = { version: 1, entries: {} }

/** The stored entries of `keys` (all when none are named); keys never set are left out. */
export const pickPrefs = (file: PrefsFile, keys: ReadonlyArray<string> | undefined): Record<string, unknown> =>
  keys === undefined ? { ...file.entries } : Object.fromEntries(keys.filter((key) => Object.hasOwn(file.entries, key)).map((key) => [key, file.entries[key]]))

/**
 * Applies a write: `expectedEntries` (compare-and-set, a key never set compares as `null`) must match
 * what is stored, else `conflict` and nothing changes. A `null` value removes the key.
 */
export const applyPrefs = (
  file: PrefsFile,
  entries: Readonly<Record<string, unknown>>,
  expected: Readonly<Record<string, unknown>> | undefined
): { readonly _tag: "Conflict" } | { readonly _tag: "Applied"; readonly file: PrefsFile } => {
  if (expected !== undefined) {
    const stale = Object.entries(expected).some(([key, value]) => !isDeepStrictEqual(Object.hasOwn(file.entries, key) ? file.entries[key] : null, value))
    if (stale) return { _tag: "Conflict" }
  }
  const next: Record<string, unknown> = { ...file.entries }
  for (const [key, value] of Object.entries(entries)) {
    if (value === null) delete next[key]
    else next[key] = value
  }
  return { _tag: "Applied", file: { version: 1, entries: next } }
}
