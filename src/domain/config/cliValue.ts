import { Either } from "effect"
import { ConfigValueInvalid } from "../errors.js"
import { parseJson5 } from "./json5.js"

/**
 * Parses a `config set` value: JSON5 when it parses, else the raw string. With `--strict-json`,
 * standard JSON only, and a failure names the fix.
 */
export const parseCliValue = (raw: string, strictJson: boolean): Either.Either<unknown, ConfigValueInvalid> => {
  if (strictJson) {
    try {
      return Either.right(JSON.parse(raw))
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      return Either.left(new ConfigValueInvalid({
        message: `Could not parse ${JSON.stringify(raw)} as JSON for --strict-json. ${reason}. Use valid JSON. For structured changes, use a JSON5 config patch object file with \`openclaw config patch --file <path> --dry-run\`. For plain strings, omit --strict-json.`
      }))
    }
  }
  return Either.orElse(parseJson5(raw), () => Either.right(raw))
}
