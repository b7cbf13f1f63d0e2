/**
 * The original's variadic options (commander's `<value...>`): `devices rotate --scope a b` gives two
 * scopes. @effect/cli repeats an option instead (`--scope a --scope b`), so the words after such an
 * option, up to the next option, are rewritten into repeats before parsing. Keyed by command path.
 */
const VARIADIC: Readonly<Record<string, ReadonlyArray<string>>> = {
  "devices rotate": ["--scope"]
}

/** `args` (after the program name) with every variadic option's extra values spelled as repeats. */
export const expandVariadicOptions = (args: ReadonlyArray<string>): ReadonlyArray<string> => {
  const firstOption = args.findIndex((arg) => arg.startsWith("-"))
  const words = (firstOption === -1 ? args : args.slice(0, firstOption)).join(" ")
  const entry = Object.entries(VARIADIC).find(([path]) => words === path || words.startsWith(`${path} `))
  if (entry === undefined) return args
  const variadic = new Set(entry[1])
  const out: Array<string> = []
  let repeating: string | undefined
  for (const arg of args) {
    if (arg.startsWith("-")) {
      const name = arg.split("=")[0] as string
      repeating = variadic.has(name) ? name : undefined
      out.push(arg)
      continue
    }
    // The option's first value follows it directly; each further plain word is one more value.
    if (repeating !== undefined && out[out.length - 1] !== repeating) out.push(repeating)
    out.push(arg)
  }
  return out
}
