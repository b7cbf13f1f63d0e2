/** The text of a JSON state file: two-space indent and a final newline, so diffs and `cat` stay readable. */
export const jsonFileText = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`
