/**
 * What a command would run, segment by segment, for the allowlist. Anything whose meaning depends on
 * the shell at run time (expansions, substitutions, redirections, subshells, env prefixes) is
 * "unanalyzable": it can never satisfy an allowlist, only an explicit approval or `security=full`.
 */

/** One command a chain runs: its argv as the process receives it. */
export interface Segment {
  readonly argv: ReadonlyArray<string>
  /** A Windows shell wrapper (`cmd.exe /c`, `powershell -Command`): an allowlist miss whatever it wraps. */
  readonly windowsWrapper: boolean
  /** Inline code (`python -c`, `node -e`, ...): approval-only under `strictInlineEval`. */
  readonly inlineEval: boolean
}

export type Analysis =
  | { readonly ok: true; readonly segments: ReadonlyArray<Segment> }
  | { readonly ok: false; readonly reason: string }

const POSIX_SHELLS = new Set(["sh", "bash", "zsh", "dash", "ksh", "ash"])
const INTERPRETER_EVAL_FLAGS: Readonly<Record<string, ReadonlyArray<string>>> = {
  python: ["-c"], python2: ["-c"], python3: ["-c"],
  node: ["-e", "--eval", "-p", "--print"], nodejs: ["-e", "--eval", "-p", "--print"],
  deno: ["eval"], bun: ["-e", "--eval"],
  ruby: ["-e"], perl: ["-e", "-E"], php: ["-r"], lua: ["-e"], osascript: ["-e"]
}
const MAX_WRAPPER_DEPTH = 4

/** The last path component, either separator; `.exe` dropped and lowercased (Windows names). */
export const commandName = (argv0: string): string => {
  const base = argv0.split(/[\\/]/).pop() ?? argv0
  return base.toLowerCase().replace(/\.exe$/, "")
}

const isWindowsWrapper = (argv: ReadonlyArray<string>): boolean => {
  const name = commandName(argv[0] ?? "")
  const rest = argv.slice(1).map((a) => a.toLowerCase())
  if (name === "cmd") return rest.some((a) => a === "/c" || a === "/k" || a.startsWith("/c ") || a.startsWith("/k "))
  if (name === "powershell" || name === "pwsh") {
    return rest.some((a) => ["-c", "-command", "-encodedcommand", "-e", "-ec", "/c", "/command"].includes(a))
  }
  return false
}

const isInlineEval = (argv: ReadonlyArray<string>): boolean => {
  // `python3.12` and `node20` style names count as their interpreter.
  const name = commandName(argv[0] ?? "").replace(/[\d.]+$/, "")
  const flags = INTERPRETER_EVAL_FLAGS[name] ?? INTERPRETER_EVAL_FLAGS[commandName(argv[0] ?? "")]
  if (flags === undefined) return false
  return argv.slice(1).some((arg) => flags.includes(arg) || flags.some((f) => f.startsWith("-") && f.length === 2 && arg.startsWith(f) && arg.length > 2 && !arg.startsWith("--")))
}

type Token = { readonly kind: "word"; readonly text: string; readonly quoted: boolean } | { readonly kind: "sep" }

const fail = (reason: string): { readonly ok: false; readonly reason: string } => ({ ok: false, reason })

/** Splits a POSIX shell script into words and chain separators, refusing what only the shell can resolve. */
const tokenize = (script: string): { readonly ok: true; readonly tokens: ReadonlyArray<Token> } | { readonly ok: false; readonly reason: string } => {
  const tokens: Array<Token> = []
  let word = ""
  let inWord = false
  let quoted = false
  const flush = () => {
    if (inWord) tokens.push({ kind: "word", text: word, quoted })
    word = ""
    inWord = false
    quoted = false
  }
  let i = 0
  while (i < script.length) {
    const c = script[i] as string
    if (c === "'") {
      const end = script.indexOf("'", i + 1)
      if (end < 0) return fail("unterminated single quote")
      word += script.slice(i + 1, end)
      inWord = true
      quoted = true
      i = end + 1
      continue
    }
    if (c === "\"") {
      let j = i + 1
      let text = ""
      for (;;) {
        if (j >= script.length) return fail("unterminated double quote")
        const d = script[j] as string
        if (d === "\"") break
        if (d === "$" || d === "`") return fail("expansion inside double quotes")
        if (d === "\\") {
          const e = script[j + 1]
          if (e === undefined) return fail("unterminated double quote")
          if (e === "\"" || e === "\\" || e === "$" || e === "`") text += e
          else if (e !== "\n") text += `\\${e}`
          j += 2
          continue
        }
        text += d
        j += 1
      }
      word += text
      inWord = true
      quoted = true
      i = j + 1
      continue
    }
    if (c === "\\") {
      const e = script[i + 1]
      if (e === undefined) return fail("trailing backslash")
      if (e !== "\n") {
        word += e
        inWord = true
        quoted = true
      }
      i += 2
      continue
    }
    if (c === " " || c === "\t") {
      flush()
      i += 1
      continue
    }
    if (c === "\n" || c === ";") {
      flush()
      tokens.push({ kind: "sep" })
      i += 1
      continue
    }
    if (c === "&" || c === "|") {
      flush()
      // `&&`, `||`, `|`, `&` all start a new command; `|&` and `&>` are redirections in bash.
      const next = script[i + 1]
      if (c === "&" && next === ">") return fail("redirection")
      if (c === "|" && next === "&") return fail("redirection")
      tokens.push({ kind: "sep" })
      i += next === c ? 2 : 1
      continue
    }
    if ("$`<>(){}".includes(c)) return fail(`shell syntax ${JSON.stringify(c)} needs the shell to resolve`)
    if (c === "#" && !inWord) return fail("comment")
    if ((c === "*" || c === "?" || c === "[" || c === "~" || c === "!") && !inWord) {
      // A leading glob, tilde or history/negation char is expanded by the shell; so is an unquoted one mid-word.
      return fail(`shell expansion ${JSON.stringify(c)}`)
    }
    if (c === "*" || c === "?" || c === "[") return fail(`shell expansion ${JSON.stringify(c)}`)
    word += c
    inWord = true
    i += 1
  }
  flush()
  return { ok: true, tokens }
}

const ENV_ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/

const analyzeArgv = (argv: ReadonlyArray<string>, depth: number): Analysis => {
  if (argv.length === 0 || (argv[0] ?? "").length === 0) return fail("empty command")
  const name = commandName(argv[0] as string)
  // `sh -c 'script'` (also `-lc`, `-ec`, ...): what runs is the script, so the script is analyzed.
  if (POSIX_SHELLS.has(name)) {
    const flagIndex = argv.findIndex((arg, i) => i > 0 && /^-[a-z]*c[a-z]*$/.test(arg))
    if (flagIndex < 0) return fail("interactive or script shell")
    if (argv.slice(1, flagIndex).some((arg) => !/^-[a-z]+$/.test(arg))) return fail("shell options before -c")
    const script = argv[flagIndex + 1]
    if (script === undefined) return fail("shell -c without a script")
    // Positional parameters after the script only matter through `$1`..., which the script analysis refuses.
    if (depth >= MAX_WRAPPER_DEPTH) return fail("shell wrappers nested too deep")
    return analyzeScript(script, depth + 1)
  }
  return { ok: true, segments: [{ argv, windowsWrapper: isWindowsWrapper(argv), inlineEval: isInlineEval(argv) }] }
}

const analyzeScript = (script: string, depth: number): Analysis => {
  const tokenized = tokenize(script)
  if (!tokenized.ok) return tokenized
  const segments: Array<Segment> = []
  let current: Array<string> = []
  let sawAny = false
  const close = (): Analysis | undefined => {
    if (current.length === 0) return fail("empty command in chain")
    const first = current[0] as string
    if (ENV_ASSIGNMENT.test(first)) return fail("environment assignment before the command")
    const inner = analyzeArgv(current, depth)
    if (!inner.ok) return inner
    segments.push(...inner.segments)
    current = []
    return undefined
  }
  for (const token of tokenized.tokens) {
    sawAny = true
    if (token.kind === "sep") {
      const failed = close()
      if (failed !== undefined) return failed
    } else current.push(token.text)
  }
  if (!sawAny) return fail("empty command")
  // A trailing `;` or newline ends the last command; a trailing `&&`/`|` leaves an empty one.
  if (current.length > 0) {
    const failed = close()
    if (failed !== undefined) return failed
  } else if (!/[;\n]\s*$/.test(script)) return fail("empty command in chain")
  if (segments.length === 0) return fail("empty command")
  return { ok: true, segments }
}

/** Analyzes an argv that will be spawned directly (no shell), unwrapping `sh -c` scripts. */
export const analyzeArgvCommand = (argv: ReadonlyArray<string>): Analysis => analyzeArgv(argv, 0)

/** Analyzes a command line the way `sh -c` would run it. */
export const analyzeShellCommand = (script: string): Analysis => analyzeScript(script, 0)
