import { Either, Option } from "effect"
import { formatConfigPath, parseConfigPath, type PathSegment, unsetAtPath } from "../ConfigPath.js"
import type { ConfigIssue } from "../errors.js"

const UNRECOGNIZED = /^Unrecognized key: "(.*)"$/

/** The full path of each key schema validation reported as unknown (`Unrecognized key: "x"` at `a.b`). */
export const unknownKeyPaths = (issues: ReadonlyArray<ConfigIssue>): ReadonlyArray<ReadonlyArray<PathSegment>> => {
  const paths: Array<ReadonlyArray<PathSegment>> = []
  for (const issue of issues) {
    const match = UNRECOGNIZED.exec(issue.message)
    if (match?.[1] === undefined) continue
    const parent = issue.path === "<root>" ? Either.right<ReadonlyArray<PathSegment>>([]) : parseConfigPath(issue.path)
    if (Either.isRight(parent)) paths.push([...parent.right, match[1]])
  }
  return paths
}

/** Drops every unknown key from the authored config; returns the result and the removed paths (for listing). */
export const removeUnknownKeys = (raw: unknown, issues: ReadonlyArray<ConfigIssue>): { readonly next: unknown; readonly removed: ReadonlyArray<string> } => {
  let next = raw
  const removed: Array<string> = []
  for (const path of unknownKeyPaths(issues)) {
    const result = unsetAtPath(next, path)
    if (Option.isSome(result)) {
      next = result.value
      removed.push(formatConfigPath(path))
    }
  }
  return { next, removed }
}
