import { Either } from "effect"
import { parseDurationMs } from "../cron/duration.js"

/** The flags of `openclaw gateway|daemon restart` as parsed from argv. */
export interface RestartFlags {
  readonly safe: boolean
  readonly force: boolean
  readonly skipDeferral: boolean
  readonly preserveDefinition: boolean
  readonly wait: string | undefined
}

/** How a restart is carried out. */
export type RestartPlan =
  /** Through the service manager (plain and `--force`); `preserveDefinition` restarts a drifted definition as installed. */
  | { readonly _tag: "Service"; readonly preserveDefinition: boolean }
  /**
   * Asked of the running gateway (`gateway.restart.request`): it restarts once its active work drains,
   * within `waitMs` (`undefined`: its default budget; `0`: no limit), or at once with `skipDeferral`.
   */
  | { readonly _tag: "Request"; readonly reason: "gateway.restart.safe" | "gateway.restart"; readonly skipDeferral: boolean; readonly waitMs: number | undefined }

/**
 * `--wait` as milliseconds: bare milliseconds or unit suffixes (`500ms`, `30s`, `5m`, `1h30m`, `1d`);
 * `0` waits indefinitely. `undefined` when the text is not a duration.
 */
export const parseWaitMs = (text: string): number | undefined => {
  const trimmed = text.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed)
  const parsed = parseDurationMs(trimmed)
  // parseDurationMs reads a bare decimal as minutes; here only whole milliseconds are bare.
  return parsed === undefined || /^\d+\.\d+$/.test(trimmed) ? undefined : parsed
}

/**
 * Checks the combinations the original refuses (`--skip-deferral` needs `--safe`; `--safe` takes neither
 * `--force` nor `--wait`; `--wait` does not take `--force`) and picks the plan.
 */
export const planRestart = (flags: RestartFlags): Either.Either<RestartPlan, string> => {
  if (flags.skipDeferral && !flags.safe) return Either.left("--skip-deferral requires --safe.")
  if (flags.safe && flags.force) return Either.left("--safe cannot be combined with --force (--force restarts at once; --safe waits for active work).")
  if (flags.safe && flags.wait !== undefined) return Either.left("--safe cannot be combined with --wait (a safe restart waits up to 5 minutes for active work).")
  if (flags.wait !== undefined && flags.force) return Either.left("--wait cannot be combined with --force (--force restarts at once).")
  if (flags.safe) return Either.right({ _tag: "Request", reason: "gateway.restart.safe", skipDeferral: flags.skipDeferral, waitMs: undefined })
  if (flags.wait !== undefined) {
    const waitMs = parseWaitMs(flags.wait)
    if (waitMs === undefined) {
      return Either.left(`Invalid --wait ${JSON.stringify(flags.wait)}: use milliseconds or a duration such as 30s, 5m or 1h30m (0 waits indefinitely).`)
    }
    return Either.right({ _tag: "Request", reason: "gateway.restart", skipDeferral: false, waitMs })
  }
  return Either.right({ _tag: "Service", preserveDefinition: flags.preserveDefinition })
}
