import { Effect, Schema } from "effect"
import { defineTool, ToolFailed } from "../../domain/agent/tools.js"
import type { BrowserError } from "../../domain/browser/errors.js"
import { opt } from "../../domain/opt.js"
import type { BrowserRequest } from "../../services/BrowserControl.js"

const BrowserToolParams = Schema.Struct({
  action: Schema.Literal("status", "start", "stop", "profiles", "tabs", "open", "focus", "close", "snapshot", "screenshot", "navigate", "console", "pdf", "upload", "dialog", "act"),
  profile: opt(Schema.String),
  targetId: opt(Schema.String),
  targetUrl: opt(Schema.String),
  label: opt(Schema.String),
  snapshotFormat: opt(Schema.Literal("ai", "aria")),
  mode: opt(Schema.Literal("efficient")),
  interactive: opt(Schema.Boolean),
  limit: opt(Schema.Int),
  maxChars: opt(Schema.Int),
  selector: opt(Schema.String),
  depth: opt(Schema.Int),
  fullPage: opt(Schema.Boolean),
  ref: opt(Schema.String),
  element: opt(Schema.String),
  type: opt(Schema.Literal("png", "jpeg")),
  level: opt(Schema.String),
  paths: opt(Schema.Array(Schema.String)),
  inputRef: opt(Schema.String),
  accept: opt(Schema.Boolean),
  promptText: opt(Schema.String),
  request: opt(Schema.Record({ key: Schema.String, value: Schema.Unknown }).annotations({
    description: "act request: {kind, ...}: click(ref), type(ref,text,submit), press(key), hover(ref), select(ref,values), fill(fields[{ref,value}]), wait(text|url|timeMs), evaluate(fn), batch(actions)"
  }))
})
type BrowserToolParams = typeof BrowserToolParams.Type

const defined = <T extends Record<string, unknown>>(record: T) => Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined))

/** The control route an action maps to (the same routes `browser.request` and the CLI use). */
const routeOf = (args: BrowserToolParams): BrowserRequest => {
  const query = defined({ profile: args.profile })
  const target = defined({ targetId: args.targetId })
  switch (args.action) {
    case "status":
      return { method: "GET", path: "/", query }
    case "start":
      return { method: "POST", path: "/start", query }
    case "stop":
      return { method: "POST", path: "/stop", query }
    case "profiles":
      return { method: "GET", path: "/profiles", query }
    case "tabs":
      return { method: "GET", path: "/tabs", query }
    case "open":
      return { method: "POST", path: "/tabs/open", query, body: defined({ url: args.targetUrl, label: args.label }) }
    case "focus":
      return { method: "POST", path: "/tabs/focus", query, body: target }
    case "close":
      return args.targetId === undefined ? { method: "POST", path: "/act", query, body: { kind: "close" } } : { method: "DELETE", path: `/tabs/${encodeURIComponent(args.targetId)}`, query }
    case "snapshot":
      return { method: "GET", path: "/snapshot", query: { ...query, ...target, ...defined({ format: args.snapshotFormat, mode: args.mode, interactive: args.interactive, limit: args.limit, maxChars: args.maxChars, selector: args.selector, depth: args.depth }) } }
    case "screenshot":
      return { method: "POST", path: "/screenshot", query, body: { ...target, ...defined({ fullPage: args.fullPage, ref: args.ref, element: args.element, type: args.type }) } }
    case "navigate":
      return { method: "POST", path: "/navigate", query, body: { ...target, ...defined({ url: args.targetUrl }) } }
    case "console":
      return { method: "GET", path: "/console", query: { ...query, ...target, ...defined({ level: args.level }) } }
    case "pdf":
      return { method: "POST", path: "/pdf", query, body: target }
    case "upload":
      return { method: "POST", path: "/hooks/file-chooser", query, body: { ...target, ...defined({ paths: args.paths, ref: args.ref, inputRef: args.inputRef, element: args.element }) } }
    case "dialog":
      return { method: "POST", path: "/hooks/dialog", query, body: defined({ accept: args.accept, promptText: args.promptText }) }
    case "act":
      return { method: "POST", path: "/act", query, body: { ...target, request: args.request ?? {} } }
  }
}

/** Snapshots read best as text; everything else as its JSON. */
const render = (action: BrowserToolParams["action"], result: unknown) => {
  if ((action === "snapshot" || action === "navigate") && typeof result === "object" && result !== null && "snapshot" in result) {
    const { snapshot, url, targetId, truncated } = result as { snapshot: string; url: string; targetId: string; truncated: boolean }
    return `url: ${url}\ntargetId: ${targetId}${truncated ? "\n(truncated)" : ""}\n\n${snapshot}`
  }
  return JSON.stringify(result, null, 2)
}

/** The agent's `browser` tool: one tool for every browser action, over the gateway's control service. */
export const browserTool = (request: (req: BrowserRequest) => Effect.Effect<unknown, BrowserError>) =>
  defineTool({
    name: "browser",
    description: [
      "Control the browser (profile \"openclaw\" by default: an isolated managed Chromium).",
      "Snapshot before acting: act uses the refs of the latest snapshot (numeric in the default ai format, axN in the aria format's accessibility tree), and refs die when the page navigates (snapshot again).",
      "Keep refs on the same tab (targetId). navigate returns the new page's snapshot."
    ].join(" "),
    parameters: BrowserToolParams,
    mutating: true,
    execute: (args) =>
      request(routeOf(args)).pipe(
        Effect.map((result) => render(args.action, result)),
        Effect.mapError((error) => new ToolFailed({ message: error.code === undefined ? error.message : `${error.message} (${error.code})` }))
      )
  })
