import { Args, Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import { summaryOf } from "../commandSummaries.js"
import type { BrowserCliCall } from "../handlers/browser.js"

const handlers = () => import("../handlers/browser.js")

// The original takes these on `openclaw browser` itself (`openclaw browser --json status`); they are
// accepted after the subcommand too, as its parser does (`openclaw browser status --json`).
const json = Options.boolean("json").pipe(Options.withDescription("Output machine-readable JSON"))
const browserProfile = Options.text("browser-profile").pipe(Options.optional, Options.withDescription("Browser profile name (default from config)"))
const rootOptions = {
  browserProfile,
  json,
  expectFinal: Options.boolean("expect-final").pipe(Options.withDescription("Wait for final response (agent)")),
  url: Options.text("url").pipe(Options.optional, Options.withDescription("Gateway WebSocket URL (defaults to gateway.remote.url when configured)")),
  token: Options.text("token").pipe(Options.optional, Options.withDescription("Gateway token (if required)")),
  password: Options.text("password").pipe(Options.optional, Options.withDescription("Gateway password (if required)")),
  port: Options.integer("port").pipe(Options.optional, Options.withDescription("Local Gateway port")),
  timeout: Options.integer("timeout").pipe(Options.withDefault(30_000), Options.withDescription("Timeout in ms"))
}
const local = { browserProfile, json }

const browserRoot = Command.make("browser", rootOptions)

type Local = { readonly browserProfile: Option.Option<string>; readonly json: boolean }

/** Runs a subcommand with the parent's and its own options merged (its own win). */
const run = (own: Local, call: BrowserCliCall) =>
  Effect.flatMap(browserRoot, (root) =>
    Effect.flatMap(Effect.promise(handlers), (m) =>
      m.runBrowser({
        profile: Option.getOrUndefined(Option.orElse(own.browserProfile, () => root.browserProfile)),
        json: own.json || root.json,
        connect: {
          url: Option.getOrUndefined(root.url),
          token: Option.getOrUndefined(root.token),
          password: Option.getOrUndefined(root.password),
          port: Option.getOrUndefined(root.port),
          timeoutMs: root.timeout
        }
      }, call)))

const sub = <C extends Record<string, any>>(name: string, description: string, config: C, toCall: (a: Command.Command.ParseConfig<C> & Local) => BrowserCliCall) =>
  Command.make(name, { ...config, ...local }, (a) => run(a as Local, toCall(a as Command.Command.ParseConfig<C> & Local))).pipe(Command.withDescription(description))

const opt = Option.getOrUndefined
const targetId = Options.text("target-id").pipe(Options.optional, Options.withDescription("Tab to act on (tab id, label or target id; default: the current tab)"))
const ref = (name = "ref") => Args.text({ name })
const act = (request: Record<string, unknown>, target: Option.Option<string>): BrowserCliCall => ({ kind: "act", request, targetId: opt(target) })

const status = sub("status", "Show browser status", {}, () => ({ kind: "status" }))
const start = sub("start", "Start the browser (no-op if already running)", {
  headless: Options.boolean("headless").pipe(Options.withDescription("Launch a local managed browser headless for this start"))
}, (a) => ({ kind: "start", headless: a.headless }))
const stop = sub("stop", "Stop the browser (best-effort)", {}, () => ({ kind: "stop" }))
const profiles = sub("profiles", "List all browser profiles", {}, () => ({ kind: "profiles" }))
const doctor = sub("doctor", "Check browser plugin readiness", {}, () => ({ kind: "doctor" }))
const tabs = sub("tabs", "List open tabs", {}, () => ({ kind: "tabs" }))
const open = sub("open", "Open a URL in a new tab", {
  url: Args.text({ name: "url" }),
  label: Options.text("label").pipe(Options.optional, Options.withDescription("Label for the new tab"))
}, (a) => ({ kind: "open", url: a.url, label: opt(a.label) }))
const focus = sub("focus", "Focus a tab by tab reference", { tab: Args.text({ name: "tab" }) }, (a) => ({ kind: "focus", targetId: a.tab }))
const close = sub("close", "Close a tab (tab reference optional)", { tab: Args.text({ name: "tab" }).pipe(Args.optional) }, (a) => ({ kind: "close", targetId: opt(a.tab) }))
const navigate = sub("navigate", "Navigate the current tab to a URL", { url: Args.text({ name: "url" }), targetId }, (a) => ({ kind: "navigate", url: a.url, targetId: opt(a.targetId) }))
const snapshot = sub("snapshot", "Capture a snapshot (default: ai; aria is the accessibility tree)", {
  format: Options.choice("format", ["ai", "aria"]).pipe(Options.optional, Options.withDescription("Snapshot format")),
  limit: Options.integer("limit").pipe(Options.optional, Options.withDescription("Keep at most this many lines")),
  maxChars: Options.integer("max-chars").pipe(Options.optional, Options.withDescription("Keep at most this many characters")),
  interactive: Options.boolean("interactive").pipe(Options.withDescription("Only interactive elements")),
  efficient: Options.boolean("efficient").pipe(Options.withDescription("Compact interactive preset")),
  selector: Options.text("selector").pipe(Options.optional, Options.withDescription("Only the subtree of this CSS selector")),
  depth: Options.integer("depth").pipe(Options.optional, Options.withDescription("Limit the tree depth")),
  out: Options.text("out").pipe(Options.optional, Options.withDescription("Write the snapshot to this file")),
  targetId
}, (a) => ({
  kind: "snapshot",
  query: Object.fromEntries(Object.entries({ format: opt(a.format), limit: opt(a.limit), maxChars: opt(a.maxChars), interactive: a.interactive || undefined, mode: a.efficient ? "efficient" : undefined, selector: opt(a.selector), depth: opt(a.depth), targetId: opt(a.targetId) }).filter(([, v]) => v !== undefined)),
  out: opt(a.out)
}))
const screenshot = sub("screenshot", "Capture a screenshot (prints the saved path)", {
  fullPage: Options.boolean("full-page").pipe(Options.withDescription("Capture the whole scrollable page")),
  ref: Options.text("ref").pipe(Options.optional, Options.withDescription("Element ref from snapshot")),
  element: Options.text("element").pipe(Options.optional, Options.withDescription("CSS selector of the element")),
  type: Options.choice("type", ["png", "jpeg"]).pipe(Options.optional, Options.withDescription("Image type")),
  targetId
}, (a) => ({ kind: "screenshot", body: Object.fromEntries(Object.entries({ fullPage: a.fullPage || undefined, ref: opt(a.ref), element: opt(a.element), type: opt(a.type), targetId: opt(a.targetId) }).filter(([, v]) => v !== undefined)) }))
const pdf = sub("pdf", "Save page as PDF", { targetId }, (a) => ({ kind: "pdf", targetId: opt(a.targetId) }))
const consoleCommand = sub("console", "Get recent console messages", {
  level: Options.text("level").pipe(Options.optional, Options.withDescription("Only this level (log, info, warning, error, debug)")),
  targetId
}, (a) => ({ kind: "console", level: opt(a.level), targetId: opt(a.targetId) }))
const click = sub("click", "Click an element by ref from snapshot", {
  ref: ref(),
  double: Options.boolean("double").pipe(Options.withDescription("Double click")),
  button: Options.choice("button", ["left", "right", "middle"]).pipe(Options.optional, Options.withDescription("Mouse button")),
  targetId
}, (a) => act({ kind: "click", ref: a.ref, ...(a.double ? { doubleClick: true } : {}), ...(Option.isSome(a.button) ? { button: a.button.value } : {}) }, a.targetId))
const clickCoords = sub("click-coords", "Click viewport coordinates", { x: Args.float({ name: "x" }), y: Args.float({ name: "y" }), targetId }, (a) => act({ kind: "clickCoords", x: a.x, y: a.y }, a.targetId))
const type = sub("type", "Type into an element by ref from snapshot", {
  ref: ref(),
  text: Args.text({ name: "text" }),
  submit: Options.boolean("submit").pipe(Options.withDescription("Press Enter after typing")),
  slowly: Options.boolean("slowly").pipe(Options.withDescription("Type one key at a time")),
  targetId
}, (a) => act({ kind: "type", ref: a.ref, text: a.text, ...(a.submit ? { submit: true } : {}), ...(a.slowly ? { slowly: true } : {}) }, a.targetId))
const press = sub("press", "Press a key", { key: Args.text({ name: "key" }), targetId }, (a) => act({ kind: "press", key: a.key }, a.targetId))
const hover = sub("hover", "Hover an element by ai ref", { ref: ref(), targetId }, (a) => act({ kind: "hover", ref: a.ref }, a.targetId))
const scrollIntoView = sub("scrollintoview", "Scroll an element into view by ref from snapshot", { ref: ref(), targetId }, (a) => act({ kind: "scrollIntoView", ref: a.ref }, a.targetId))
const drag = sub("drag", "Drag from one ref to another", { startRef: ref("startRef"), endRef: ref("endRef"), targetId }, (a) => act({ kind: "drag", startRef: a.startRef, endRef: a.endRef }, a.targetId))
const select = sub("select", "Select option(s) in a select element", { ref: ref(), values: Args.text({ name: "values" }).pipe(Args.atLeast(1)), targetId }, (a) => act({ kind: "select", ref: a.ref, values: a.values }, a.targetId))
const fill = sub("fill", "Fill a form with JSON field descriptors", {
  fields: Options.text("fields").pipe(Options.withDescription("JSON array of {ref, type?, value}")),
  targetId
}, (a) => ({ kind: "actJson", json: a.fields, wrap: "fields", targetId: opt(a.targetId) }))
const resize = sub("resize", "Resize the viewport", { width: Args.integer({ name: "width" }), height: Args.integer({ name: "height" }), targetId }, (a) => act({ kind: "resize", width: a.width, height: a.height }, a.targetId))
const wait = sub("wait", "Wait for time, selector, URL, load state, or JS conditions", {
  selector: Args.text({ name: "selector" }).pipe(Args.optional),
  time: Options.integer("time").pipe(Options.optional, Options.withDescription("Milliseconds to wait")),
  text: Options.text("text").pipe(Options.optional, Options.withDescription("Text to appear")),
  textGone: Options.text("text-gone").pipe(Options.optional, Options.withDescription("Text to disappear")),
  url: Options.text("url").pipe(Options.optional, Options.withDescription("URL (glob) to reach")),
  load: Options.choice("load", ["load", "domcontentloaded", "networkidle"]).pipe(Options.optional, Options.withDescription("Load state")),
  fn: Options.text("fn").pipe(Options.optional, Options.withDescription("JS condition")),
  targetId
}, (a) => act(Object.fromEntries(Object.entries({ kind: "wait", selector: opt(a.selector), timeMs: opt(a.time), text: opt(a.text), textGone: opt(a.textGone), url: opt(a.url), loadState: opt(a.load), fn: opt(a.fn) }).filter(([, v]) => v !== undefined)), a.targetId))
const evaluate = sub("evaluate", "Evaluate a function against the page or a ref", {
  fn: Options.text("fn").pipe(Options.withDescription("Function source")),
  ref: Options.text("ref").pipe(Options.optional, Options.withDescription("Element ref from snapshot")),
  timeoutMs: Options.integer("timeout-ms").pipe(Options.optional, Options.withDescription("Timeout in ms")),
  targetId
}, (a) => act({ kind: "evaluate", fn: a.fn, ...(Option.isSome(a.ref) ? { ref: a.ref.value } : {}), ...(Option.isSome(a.timeoutMs) ? { timeoutMs: a.timeoutMs.value } : {}) }, a.targetId))
const batch = sub("batch", "Run a batch of browser actions in one call", {
  actions: Options.text("actions").pipe(Options.optional, Options.withDescription("JSON array of act requests")),
  actionsFile: Options.text("actions-file").pipe(Options.optional, Options.withDescription("File with the JSON array (- for stdin)")),
  continue: Options.boolean("continue").pipe(Options.withDescription("Keep going after a failed action")),
  targetId
}, (a) => ({ kind: "batch", actions: opt(a.actions), actionsFile: opt(a.actionsFile), stopOnError: !a.continue, targetId: opt(a.targetId) }))
const upload = sub("upload", "Arm file upload for the next file chooser", {
  paths: Args.text({ name: "paths" }).pipe(Args.atLeast(1)),
  ref: Options.text("ref").pipe(Options.optional, Options.withDescription("Click this ref to open the chooser")),
  inputRef: Options.text("input-ref").pipe(Options.optional, Options.withDescription("Set the files on this file input ref")),
  element: Options.text("element").pipe(Options.optional, Options.withDescription("CSS selector of the file input")),
  targetId
}, (a) => ({ kind: "upload", body: Object.fromEntries(Object.entries({ paths: a.paths, ref: opt(a.ref), inputRef: opt(a.inputRef), element: opt(a.element), targetId: opt(a.targetId) }).filter(([, v]) => v !== undefined)) }))
const dialog = sub("dialog", "Arm the next modal dialog (alert/confirm/prompt)", {
  accept: Options.boolean("accept").pipe(Options.withDescription("Accept the dialog")),
  dismiss: Options.boolean("dismiss").pipe(Options.withDescription("Dismiss the dialog")),
  prompt: Options.text("prompt").pipe(Options.optional, Options.withDescription("Text for a prompt dialog"))
}, (a) => ({ kind: "dialog", accept: !a.dismiss, promptText: opt(a.prompt) }))

/** `openclaw browser ...`: the browser plugin's commands, through the gateway's `browser.request`. */
export const browserCommand = browserRoot.pipe(
  Command.withDescription(summaryOf("browser")),
  Command.withSubcommands([
    batch, click, clickCoords, close, consoleCommand, dialog, doctor, drag, evaluate, fill, focus, hover, navigate, open, pdf, press, profiles,
    resize, screenshot, scrollIntoView, select, snapshot, start, status, stop, tabs, type, upload, wait
  ])
)
