import { Context, type Effect } from "effect"
import type { EditOp, RestartHint } from "../domain/config/edits.js"
import type {
  ConfigInvalid,
  ConfigIoError,
  ConfigIssue,
  ConfigPathNotFound,
  ConfigProtectedPath,
  ConfigWriteBlocked,
  ConfigWriteConflict,
  ConfigWriteRejected
} from "../domain/errors.js"
import type { WriteResult } from "./ConfigStore.js"

/** What an edit did: nothing (no effective diff), a validated dry run, or a committed write. */
export type EditOutcome =
  | { readonly _tag: "NoChange"; readonly path: string }
  | { readonly _tag: "DryRun"; readonly path: string; readonly ok: boolean; readonly issues: ReadonlyArray<ConfigIssue>; readonly changed: ReadonlyArray<string> }
  | {
    readonly _tag: "Written"
    readonly path: string
    readonly changed: ReadonlyArray<string>
    readonly hint: RestartHint
    readonly result: WriteResult
    /** Set when the source had JSON5 comments, which the JSON rewrite dropped. */
    readonly strippedComments: boolean
  }

export interface EditOptions {
  readonly dryRun?: boolean
  /** The hash the caller based its edit on (RPC `baseHash`); the CLI edits whatever it just read. */
  readonly baseHash?: string
}

export type EditError =
  | ConfigPathNotFound
  | ConfigProtectedPath
  | ConfigInvalid
  | ConfigWriteRejected
  | ConfigWriteConflict
  | ConfigWriteBlocked
  | ConfigIoError

/** Applies `config set/unset/patch` operations to the authored config through the write guard. */
export class ConfigEditor extends Context.Tag("openclaw/ConfigEditor")<ConfigEditor, {
  readonly apply: (ops: ReadonlyArray<EditOp>, options?: EditOptions) => Effect.Effect<EditOutcome, EditError>
}>() {}
