import { Effect, Either, Layer } from "effect"
import { applyEdits } from "../domain/config/applyEdits.js"
import { changedPaths, restartHint } from "../domain/config/edits.js"
import { substituteEnv } from "../domain/config/envSubstitution.js"
import { hasJson5Comments } from "../domain/config/json5.js"
import { validateConfig } from "../domain/config/validate.js"
import { formatConfigPath } from "../domain/ConfigPath.js"
import { ConfigPathNotFound, ConfigProtectedPath, ConfigWriteBlocked, ConfigWriteConflict } from "../domain/errors.js"
import { ConfigEditor } from "../services/ConfigEditor.js"
import { ConfigStore } from "../services/ConfigStore.js"
import { Host } from "../services/Host.js"

/** Edits through the live ConfigStore: refuse on a broken file, skip no-ops, warn before dropping comments. */
export const ConfigEditorLive = Layer.effect(
  ConfigEditor,
  Effect.gen(function*() {
    const store = yield* ConfigStore
    const host = yield* Host
    const apply: ConfigEditor["Type"]["apply"] = Effect.fn("ConfigEditor.apply")(function*(ops, options = {}) {
      const snapshot = yield* store.read
      if (options.baseHash !== undefined && options.baseHash !== snapshot.hash) {
        return yield* new ConfigWriteConflict({
          message: `Config file ${store.path} changed since it was read (baseHash mismatch); reload the config and retry.`,
          path: store.path
        })
      }
      if (snapshot.parseError !== undefined || snapshot.config === undefined) {
        return yield* new ConfigWriteBlocked({
          message: `Config is invalid; run \`openclaw doctor --fix\` before applying source mutations to ${store.path}.`,
          path: store.path
        })
      }
      const edited = applyEdits(snapshot.authored, ops)
      if (Either.isLeft(edited)) {
        const failure = edited.left
        if (failure._tag === "Unexpected") {
          // The original's words for a `--expect-current-*` precondition that does not hold.
          return yield* new ConfigWriteConflict({
            message:
              "The config file changed while this command was writing (conditional config set expectation did not match the authored config), so nothing was changed. Re-run the same command to pick up the new file and try again.",
            path: store.path
          })
        }
        return yield* failure._tag === "Missing"
          ? new ConfigPathNotFound({
            message: `Config path not found: ${failure.path}. Nothing was changed. Run openclaw config get <path> first if you are unsure of the path.`,
            configPath: failure.path
          })
          : new ConfigProtectedPath({
            message: `Refusing to replace ${failure.path}; it would remove existing entries: ${failure.dropped.join(", ")}. Use --merge to merge object values or --replace to replace intentionally.`,
            configPath: failure.path,
            dropped: failure.dropped
          })
      }
      const next = edited.right
      const changed = changedPaths(snapshot.authored, next)
      // "No change" compares the authored values, so `set` of the value already there never rewrites the file.
      if (changed.length === 0) return { _tag: "NoChange", path: store.path } as const
      const changedNames = changed.map(formatConfigPath)
      if (options.dryRun === true) {
        const validated = validateConfig(substituteEnv(next, host.env).value)
        return {
          _tag: "DryRun",
          path: store.path,
          ok: Either.isRight(validated),
          issues: Either.isLeft(validated) ? validated.left : [],
          changed: changedNames
        } as const
      }
      const strippedComments = snapshot.text !== undefined && hasJson5Comments(snapshot.text)
      if (strippedComments) yield* Effect.logWarning(`Config write will strip JSON5 comments from ${store.path}.`)
      // A caller that named its base hash asked for exactly that base; the CLI's edit is re-applied to a
      // file another process changed meanwhile, unless that process changed the same path.
      const rebase = options.baseHash === undefined ? { rebase: { base: snapshot.authored, ops } } : {}
      const result = yield* store.write({ next, baseHash: snapshot.hash, ...rebase })
      return { _tag: "Written", path: store.path, changed: changedNames, hint: restartHint(changed), result, strippedComments } as const
    })
    return { apply }
  })
)
