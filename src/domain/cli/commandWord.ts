/**
 * Top-level commands of the original OpenClaw CLI that this version does not have yet, with what to
 * do instead. Anything not here and not ours is a typo.
 */
const NOT_YET: Readonly<Record<string, string>> = {
  configure: "edit the config with `openclaw config set <path> <value>` (see `openclaw config --help`)",
  sessions: "sessions are listed by `openclaw status`; `openclaw gateway call sessions.list` prints them",
  update: "update by installing the new version of the package (`npm install -g .` in a checkout)",
  agents: "this version runs the default agent `main`: `openclaw agent --agent main -m ...`",
  message: "send a message to the agent with `openclaw agent -m \"...\"`",
  completion: "shell completion is not available in this version",
  backup: "copy the state dir (`openclaw config file` shows where it is) while the gateway is stopped",
  migrate: "not available in this version",
  reset: "not available in this version; `openclaw doctor --fix` repairs a broken config",
  uninstall: "remove the service with `openclaw gateway uninstall`",
  security: "`openclaw doctor` checks auth and file permissions",
  secrets: "secrets are set with `openclaw config set <path> --ref-source env --ref-id <VAR>`",
  skills: "not available in this version",
  plugins: "plugins are kept in the config but not loaded by this version",
  memory: "not available in this version",
  tui: "use `openclaw agent -m \"...\"` for one turn",
  chat: "use `openclaw agent -m \"...\"` for one turn",
  hooks: "not available in this version",
  webhooks: "not available in this version",
  tasks: "not available in this version",
  qr: "not available in this version",
  directory: "not available in this version",
  docs: "see the README of this package",
  mcp: "not available in this version",
  acp: "not available in this version",
  sandbox: "not available in this version",
  proxy: "not available in this version"
}

/** Edit distance where swapping two neighbours counts as one typo (optimal string alignment). */
const distance = (a: string, b: string): number => {
  const d: Array<Array<number>> = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)))
  const at = (i: number, j: number) => d[i]?.[j] ?? 0
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1)
      const row = d[i]
      if (row !== undefined) row[j] = best
    }
  }
  return at(a.length, b.length)
}

/** The closest known word within a typo's reach (about a third of its length), if any. */
export const nearestWord = (word: string, known: ReadonlyArray<string>): string | undefined => {
  const ranked = known.map((name) => ({ name, d: distance(word.toLowerCase(), name) })).sort((x, y) => x.d - y.d)
  const best = ranked[0]
  return best !== undefined && best.d <= Math.max(1, Math.floor(best.name.length / 3)) ? best.name : undefined
}

/** What the first word of a command line is. */
export type CommandWord =
  | { readonly _tag: "Known" }
  | { readonly _tag: "NotYet"; readonly word: string; readonly instead: string }
  | { readonly _tag: "Unknown"; readonly word: string; readonly suggestion: string | undefined }

/** Sorts the command word: ours, the original's (not here yet), or a typo with the nearest suggestion. */
export const classifyCommandWord = (word: string, ours: ReadonlyArray<string>): CommandWord => {
  if (ours.includes(word)) return { _tag: "Known" }
  const instead = Object.hasOwn(NOT_YET, word) ? NOT_YET[word] : undefined
  if (instead !== undefined) return { _tag: "NotYet", word, instead }
  return { _tag: "Unknown", word, suggestion: nearestWord(word, ours) }
}
