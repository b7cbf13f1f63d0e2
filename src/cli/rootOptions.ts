import type { ProfileOptions } from "../domain/Paths.js"

/**
 * Takes the root options (`--profile <name>`, `--dev`) that come before the command word, so every
 * command sees the same paths. Returns them and the remaining arguments.
 */
export const splitRootOptions = (args: ReadonlyArray<string>): { readonly options: ProfileOptions; readonly rest: Array<string> } => {
  let profile: string | undefined
  let dev = false
  let i = 0
  for (; i < args.length; i++) {
    const arg = args[i] as string
    if (arg === "--dev") dev = true
    else if (arg === "--profile" && i + 1 < args.length) profile = args[++i]
    else if (arg.startsWith("--profile=")) profile = arg.slice("--profile=".length)
    else break
  }
  return { options: { profile, dev }, rest: args.slice(i) }
}
