import * as FileSystem from "@effect/platform/FileSystem"
import { Console, Effect, Option, Schema } from "effect"
import { AriaNode, renderAriaNodes } from "../../domain/browser/ariaSnapshot.js"
import { browserPluginBlocked } from "../../domain/browser/gating.js"
import { ConfigValueInvalid } from "../../domain/errors.js"
import { isRecord } from "../../domain/isRecord.js"
import { BrowserMethods, type BrowserRequestParams } from "../../domain/protocol/browserMethods.js"
import { ConfigStore } from "../../services/ConfigStore.js"
import { type ConnectOptions, GatewayClient } from "../../services/GatewayClient.js"
import { CliExit } from "../CliExit.js"
import { stdinText } from "../stdinText.js"

/** What a `browser` subcommand asks for, before it becomes a control route. */
export type BrowserCliCall =
  | { readonly kind: "status" | "stop" | "profiles" | "tabs" | "doctor" }
  | { readonly kind: "start"; readonly headless: boolean }
  | { readonly kind: "open"; readonly url: string; readonly label: string | undefined }
  | { readonly kind: "focus"; readonly targetId: string }
  | { readonly kind: "close"; readonly targetId: string | undefined }
  | { readonly kind: "navigate"; readonly url: string; readonly targetId: string | undefined }
  | { readonly kind: "snapshot"; readonly query: Record<string, unknown>; readonly out: string | undefined }
  | { readonly kind: "screenshot"; readonly body: Record<string, unknown> }
  | { readonly kind: "upload"; readonly body: Record<string, unknown> }
  | { readonly kind: "pdf"; readonly targetId: string | undefined }
  | { readonly kind: "console"; readonly level: string | undefined; readonly targetId: string | undefined }
  | { readonly kind: "dialog"; readonly accept: boolean; readonly promptText: string | undefined }
  | { readonly kind: "act"; readonly request: Record<string, unknown>; readonly targetId: string | undefined }
  | { readonly kind: "actJson"; readonly json: string; readonly wrap: "fields"; readonly targetId: string | undefined }
  | { readonly kind: "batch"; readonly actions: string | undefined; readonly actionsFile: string | undefined; readonly stopOnError: boolean; readonly targetId: string | undefined }

export interface BrowserCliContext {
  readonly profile: string | undefined
  readonly json: boolean
  readonly connect: ConnectOptions
}

const record = (value: unknown): Record<string, unknown> => (isRecord(value) ? value : {})

/**
 * One `browser.request`. A gateway error prints as the original prints it
 * (`GatewayClientRequestError: Error: <message>`) and exits 1.
 */
const request = (context: BrowserCliContext, params: BrowserRequestParams) =>
  Effect.flatMap(GatewayClient, (client) =>
    client.call(BrowserMethods.request, { ...params, query: { ...(params.query ?? {}), ...(context.profile === undefined ? {} : { profile: context.profile }) } }, context.connect)).pipe(
      Effect.catchTag("GatewayRpcError", (error) =>
        Effect.zipRight(Console.error(`GatewayClientRequestError: ${error.message}`), Effect.fail(new CliExit({ code: 1 }))))
    )

const parseJson = (text: string, what: string) =>
  Effect.try({ try: () => JSON.parse(text) as unknown, catch: (error) => new ConfigValueInvalid({ message: `${what} must be JSON: ${error instanceof Error ? error.message : String(error)}` }) })

// A request body or script given as `-`: bounded like the gateway's own frames.
const readStdin = stdinText(25 * 1024 * 1024, "stdin is larger than 25 MiB").pipe(Effect.orDie)

const statusLines = (s: Record<string, unknown>) => {
  const graphics = record(s["graphics"])
  const devices = Array.isArray(graphics["devices"]) ? graphics["devices"].map(record) : []
  return [
    `profile: ${String(s["profile"])}`,
    `enabled: ${String(s["enabled"])}`,
    `running: ${String(s["running"])}`,
    `transport: ${String(s["transport"])}`,
    ...(s["cdpPort"] === null || s["cdpPort"] === undefined ? [] : [`cdpPort: ${String(s["cdpPort"])}`]),
    ...(s["cdpUrl"] === null || s["cdpUrl"] === undefined ? [] : [`cdpUrl: ${String(s["cdpUrl"])}`]),
    `browser: ${String(s["chosenBrowser"] ?? "unknown")}`,
    `detectedBrowser: ${String(s["detectedBrowser"] ?? "unknown")}`,
    `detectedPath: ${String(s["detectedExecutablePath"] ?? "auto")}`,
    `headless: ${String(s["headless"])} (${String(s["headlessSource"])})`,
    `profileColor: ${String(s["color"])}`,
    ...(s["detectError"] === null || s["detectError"] === undefined ? [] : [`detectError: ${String(s["detectError"])}`]),
    ...(s["graphics"] === null || s["graphics"] === undefined
      ? []
      : [`graphics: ${String(graphics["acceleration"])}; renderer ${String(graphics["renderer"])}; backend ${String(graphics["backend"])}; device ${devices.map((d) => String(d["device"])).join(", ")}; video decode ${Array.isArray(graphics["videoDecoding"]) ? graphics["videoDecoding"].length : 0}, encode ${Array.isArray(graphics["videoEncoding"]) ? graphics["videoEncoding"].length : 0}`])
  ]
}

const profileLines = (profiles: ReadonlyArray<Record<string, unknown>>) =>
  profiles.flatMap((p) => {
    const state = p["running"] === true ? `running (${String(p["tabCount"] ?? 0)} tabs)` : "stopped"
    const tag = p["isDefault"] === true ? "default" : p["driver"] === "openclaw" ? (p["isRemote"] === true ? "remote" : "managed") : String(p["driver"])
    const detail = p["driver"] === "extension"
      ? `transport: extension, relayPort: ${String(p["relayPort"])}, color: ${String(p["color"])}`
      : p["driver"] === "existing-session"
      ? `transport: chrome-mcp, color: ${String(p["color"])}`
      : p["isRemote"] === true
      ? `cdpUrl: ${String(p["cdpUrl"])}, color: ${String(p["color"])}`
      : `port: ${String(p["cdpPort"])}, color: ${String(p["color"])}`
    return [`${String(p["name"])}: ${state} [${tag}]`, `  ${detail}`]
  })

const tabLines = (tabs: ReadonlyArray<Record<string, unknown>>) =>
  tabs.length === 0
    ? ["No tabs open."]
    : tabs.flatMap((t, i) => [`${i + 1}. ${String(t["title"] || "(untitled)")}`, `   ${String(t["url"])}`, `   id: ${String(t["suggestedTargetId"])} (${String(t["targetId"])})`])

const print = (context: BrowserCliContext, result: unknown, human: () => ReadonlyArray<string>) =>
  Console.log(context.json ? JSON.stringify(result, null, 2) : human().join("\n"))

const actOk = (result: unknown) => {
  const r = record(result)
  return "result" in r ? [typeof r["result"] === "string" ? r["result"] : JSON.stringify(r["result"], null, 2)] : ["ok"]
}

/** `openclaw browser <subcommand>`: gated by the plugin config, then one or two control routes through the gateway. */
export const runBrowser = (context: BrowserCliContext, call: BrowserCliCall) =>
  Effect.gen(function*() {
    const loaded = yield* Effect.option(Effect.flatMap(ConfigStore, (store) => store.load))
    const blocked = browserPluginBlocked(Option.getOrUndefined(loaded)?.config)
    if (blocked !== undefined) {
      yield* Console.error(blocked)
      return yield* new CliExit({ code: 1 })
    }
    const profileName = context.profile
    switch (call.kind) {
      case "status": {
        const result = record(yield* request(context, { method: "GET", path: "/" }))
        return yield* print(context, result, () => statusLines(result))
      }
      case "start": {
        const result = record(yield* request(context, { method: "POST", path: "/start", ...(call.headless ? { query: { headless: true } } : {}) }))
        return yield* print(context, result, () => [`🦞 browser [${String(result["profile"] ?? profileName)}] running: ${String(result["running"])}${result["headless"] === true ? " (headless)" : ""}`])
      }
      case "stop": {
        const result = record(yield* request(context, { method: "POST", path: "/stop" }))
        return yield* print(context, result, () => [`🦞 browser [${String(result["profile"] ?? profileName)}] running: false`])
      }
      case "profiles": {
        const result = record(yield* request(context, { method: "GET", path: "/profiles" }))
        const profiles = Array.isArray(result["profiles"]) ? result["profiles"].map(record) : []
        return yield* print(context, result, () => profileLines(profiles))
      }
      case "doctor": {
        const result = record(yield* request(context, { method: "GET", path: "/doctor" }))
        const checks = Array.isArray(result["checks"]) ? result["checks"].map(record) : []
        yield* print(context, result, () => checks.map((c) => `${c["ok"] === true ? "OK" : "FAIL"} ${String(c["name"])}: ${String(c["detail"])}`))
        if (result["ok"] !== true) return yield* new CliExit({ code: 1 })
        return
      }
      case "tabs": {
        const result = record(yield* request(context, { method: "GET", path: "/tabs" }))
        return yield* print(context, result, () => (result["running"] === false ? ["Browser is not running; run `openclaw browser start`."] : tabLines(Array.isArray(result["tabs"]) ? result["tabs"].map(record) : [])))
      }
      case "open": {
        const result = record(yield* request(context, { method: "POST", path: "/tabs/open", body: { url: call.url, ...(call.label === undefined ? {} : { label: call.label }) } }))
        return yield* print(context, result, () => tabLines([result]))
      }
      case "focus": {
        const result = record(yield* request(context, { method: "POST", path: "/tabs/focus", body: { targetId: call.targetId } }))
        return yield* print(context, result, () => [`focused ${String(result["suggestedTargetId"])}: ${String(result["url"])}`])
      }
      case "close": {
        const result = yield* (call.targetId === undefined
          ? request(context, { method: "POST", path: "/act", body: { kind: "close" } })
          : request(context, { method: "DELETE", path: `/tabs/${encodeURIComponent(call.targetId)}` }))
        return yield* print(context, result, () => ["closed"])
      }
      case "navigate": {
        const result = record(yield* request(context, { method: "POST", path: "/navigate", body: { url: call.url, ...(call.targetId === undefined ? {} : { targetId: call.targetId }) } }))
        return yield* print(context, result, () => [`navigated to ${String(result["url"])}`])
      }
      case "snapshot": {
        const result = record(yield* request(context, { method: "GET", path: "/snapshot", query: call.query }))
        const aria = result["format"] === "aria"
        if (call.out !== undefined) {
          const out = call.out
          // As the original: the ai text, or the whole aria answer as JSON.
          yield* Effect.flatMap(FileSystem.FileSystem, (fs) => fs.writeFileString(out, aria ? JSON.stringify(result, null, 2) : String(result["snapshot"] ?? ""))).pipe(
            Effect.mapError((error) => new ConfigValueInvalid({ message: `Could not write ${out}: ${error.message}` }))
          )
        }
        const text = aria
          ? renderAriaNodes(Option.getOrElse(Schema.decodeUnknownOption(Schema.Array(AriaNode))(result["nodes"]), () => []))
          : String(result["snapshot"] ?? "")
        return yield* print(context, result, () => (call.out !== undefined ? [call.out] : [text, ...(result["truncated"] === true ? ["[truncated]"] : [])]))
      }
      case "screenshot":
      case "pdf": {
        const result = record(yield* request(context, { method: "POST", path: call.kind === "pdf" ? "/pdf" : "/screenshot", body: call.kind === "pdf" ? (call.targetId === undefined ? {} : { targetId: call.targetId }) : call.body }))
        return yield* print(context, result, () => [`MEDIA:${String(result["path"])}`])
      }
      case "console": {
        const result = record(yield* request(context, { method: "GET", path: "/console", query: { ...(call.level === undefined ? {} : { level: call.level }), ...(call.targetId === undefined ? {} : { targetId: call.targetId }) } }))
        const messages = Array.isArray(result["messages"]) ? result["messages"].map(record) : []
        return yield* print(context, result, () => (messages.length === 0 ? ["No console messages."] : messages.map((m) => `[${String(m["level"])}] ${String(m["text"])}`)))
      }
      case "upload": {
        const result = yield* request(context, { method: "POST", path: "/hooks/file-chooser", body: call.body })
        return yield* print(context, result, () => ["upload armed"])
      }
      case "dialog": {
        const result = yield* request(context, { method: "POST", path: "/hooks/dialog", body: { accept: call.accept, ...(call.promptText === undefined ? {} : { promptText: call.promptText }) } })
        return yield* print(context, result, () => [`next dialog will be ${call.accept ? "accepted" : "dismissed"}`])
      }
      case "act": {
        const result = yield* request(context, { method: "POST", path: "/act", body: { ...(call.targetId === undefined ? {} : { targetId: call.targetId }), request: call.request } })
        return yield* print(context, result, () => actOk(result))
      }
      case "actJson": {
        const fields = yield* parseJson(call.json, "--fields")
        const result = yield* request(context, { method: "POST", path: "/act", body: { ...(call.targetId === undefined ? {} : { targetId: call.targetId }), request: { kind: "fill", fields } } })
        return yield* print(context, result, () => actOk(result))
      }
      case "batch": {
        const source = call.actions ?? (call.actionsFile === "-" ? yield* readStdin : call.actionsFile !== undefined
          ? yield* Effect.flatMap(FileSystem.FileSystem, (fs) => fs.readFileString(call.actionsFile ?? "")).pipe(Effect.mapError((error) => new ConfigValueInvalid({ message: `Could not read --actions-file: ${error.message}` })))
          : undefined)
        if (source === undefined) return yield* new ConfigValueInvalid({ message: "batch needs --actions '<json>' or --actions-file <file>" })
        const actions = yield* parseJson(source, "--actions")
        const result = record(yield* request(context, { method: "POST", path: "/act", body: { ...(call.targetId === undefined ? {} : { targetId: call.targetId }), request: { kind: "batch", actions, stopOnError: call.stopOnError } } }))
        const results = Array.isArray(result["results"]) ? result["results"].map(record) : []
        const aborted = record(result["aborted"])
        yield* print(context, result, () => [
          ...results.map((r, i) => `${i + 1}. ${r["ok"] === true ? "ok" : `failed: ${String(r["error"])}`}`),
          ...("reason" in aborted ? [`aborted after action ${Number(aborted["afterAction"]) + 1} (${String(aborted["reason"])}); ${String(aborted["skipped"])} skipped`] : [])
        ])
        if (results.some((r) => r["ok"] !== true)) return yield* new CliExit({ code: 1 })
        return
      }
    }
  })
