import { FileSystem } from "@effect/platform"
import { Clock, Effect, Option } from "effect"
import type * as http from "node:http"
import * as path from "node:path"
import * as zlib from "node:zlib"
import { checkTrustedProxy } from "../../../domain/auth/locality.js"
import { BUILD_ID, VERSION } from "../../../domain/BuildInfo.js"
import { controlUiCsp, controlUiSecurityHeaders, IMMUTABLE_CACHE_CONTROL, inlineScriptHashes, isUnmodified, lastModifiedMs } from "../../../domain/controlUi/headers.js"
import { rewriteIndexHtml } from "../../../domain/controlUi/indexHtml.js"
import {
  classifyControlUiRequest,
  COMPRESSIBLE_EXTENSIONS,
  type ContentCoding,
  contentTypeOf,
  extensionOf,
  fileForPath,
  isPrecompressedSibling,
  isStaticAssetExtension,
  isVersionedPublicAsset,
  negotiateEncodings,
  normalizeBasePath
} from "../../../domain/controlUi/routing.js"
import { assetsMissingMessage, bearerToken, controlUiRuntimeConfig, UNAUTHORIZED_BODY } from "../../../domain/controlUi/runtimeConfig.js"
import { tokensEqual } from "../../../domain/pairing/registryState.js"
import { DeviceRegistry } from "../../../services/DeviceRegistry.js"
import type { GatewaySettings } from "../../../services/GatewayRuntime.js"
import { secretEquals } from "../secrets.js"
import { peerInfo } from "../peer.js"

/** A file inside the UI root, after symlinks were resolved and its containment checked. */
interface RootFile {
  readonly path: string
  readonly size: number
  readonly mtimeMs: number
}

const HTML_CACHE_ENTRIES = 4

const text = (res: http.ServerResponse, status: number, body: string) => {
  res.statusCode = status
  res.setHeader("Content-Type", "text/plain; charset=utf-8")
  res.setHeader("Content-Length", String(Buffer.byteLength(body)))
  res.end(body)
}

const notFound = (res: http.ServerResponse) => text(res, 404, "Not Found")

const notAcceptable = (res: http.ServerResponse) => {
  res.setHeader("Cache-Control", "no-store")
  res.setHeader("Vary", "Accept-Encoding")
  text(res, 406, "Not Acceptable")
}

const json = (res: http.ServerResponse, status: number, body: unknown) => {
  res.statusCode = status
  res.setHeader("Content-Type", "application/json; charset=utf-8")
  res.setHeader("Cache-Control", "no-cache")
  res.end(JSON.stringify(body))
}

const fileHeaders = (res: http.ServerResponse, file: string, options: { readonly immutable: boolean; readonly encoding: ContentCoding; readonly lastModifiedMs?: number }) => {
  const extension = extensionOf(file)
  res.setHeader("Content-Type", contentTypeOf(file))
  res.setHeader("Cache-Control", options.immutable ? IMMUTABLE_CACHE_CONTROL : "no-cache")
  if (options.lastModifiedMs !== undefined) res.setHeader("Last-Modified", new Date(options.lastModifiedMs).toUTCString())
  res.setHeader("Vary", "Accept-Encoding")
  if (COMPRESSIBLE_EXTENSIONS.has(extension) && options.encoding !== "identity") res.setHeader("Content-Encoding", options.encoding)
}

const compress = (body: Buffer, encoding: "br" | "gzip") =>
  Effect.async<Buffer, Error>((resume) => {
    const done = (error: Error | null, out: Buffer) => resume(error === null ? Effect.succeed(out) : Effect.fail(error))
    if (encoding === "br") zlib.brotliCompress(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } }, done)
    else zlib.gzip(body, { level: 6 }, done)
  })

const header = (req: http.IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name]
  return Array.isArray(value) ? value.join(",") : value
}

export interface ControlUiHttpOptions {
  /** The bundled page's folder (`dist/control-ui` beside the CLI bundle). */
  readonly defaultRoot: string
  /** For `~/` in `gateway.controlUi.root`. */
  readonly home: string
  /** This host's own addresses (the trusted-proxy spoof guard). */
  readonly localAddresses: ReadonlyArray<string>
}

/**
 * Serves the Control UI over the gateway's HTTP listener (spec control-ui §1). The handler answers true
 * when it wrote the response, false when the request is not the UI's (the gateway's own routes then run).
 */
export const makeControlUiHttp = (options: ControlUiHttpOptions) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const registry = yield* DeviceRegistry
    // Compressed documents keyed by coding and body: the rewrite is per request, the body rarely changes.
    const htmlCache = new Map<string, Buffer>()

    /** Resolves `file` (inside `rootReal`) through symlinks; undefined when missing, outside the root or not a file. */
    const rootFile = (rootReal: string, file: string, rejectHardlinks: boolean) =>
      Effect.gen(function*() {
        const real = yield* fs.realPath(file)
        if (real !== rootReal && !real.startsWith(`${rootReal}${path.sep}`)) return undefined
        const info = yield* fs.stat(real)
        if (info.type !== "File") return undefined
        // A hardlink in a custom root could alias any file of the same filesystem.
        if (rejectHardlinks && Option.getOrElse(info.nlink, () => 1) > 1) return undefined
        return { path: real, size: Number(info.size), mtimeMs: Option.match(info.mtime, { onNone: () => 0, onSome: (d) => d.getTime() }) } satisfies RootFile
      }).pipe(Effect.catchTag("SystemError", () => Effect.succeed(undefined)))

    const resolveRoot = (configured: string | undefined) =>
      Effect.gen(function*() {
        const root = configured === undefined
          ? options.defaultRoot
          : configured.startsWith("~/") ? path.join(options.home, configured.slice(2)) : path.resolve(configured)
        const real = yield* fs.realPath(root).pipe(Effect.catchTag("SystemError", () => Effect.succeed(undefined)))
        if (real === undefined) return undefined
        return (yield* rootFile(real, path.join(real, "index.html"), false)) === undefined ? undefined : real
      })

    const sharedSecretOk = (settings: GatewaySettings, presented: string | undefined) => {
      const auth = settings.auth
      if (presented === undefined) return false
      if (auth.mode === "token") return auth.token !== undefined && secretEquals(presented, auth.token)
      if (auth.mode === "password") return auth.password !== undefined && secretEquals(presented, auth.password)
      return false
    }

    /** `Authorization: Bearer` with the shared secret or a paired operator device token (spec §1.4). */
    const authorized = (req: http.IncomingMessage, settings: GatewaySettings) =>
      Effect.gen(function*() {
        if (settings.auth.mode === "none") return true
        if (settings.auth.mode === "trusted-proxy") {
          return checkTrustedProxy(settings.auth, peerInfo(req), options.localAddresses).ok
        }
        const presented = bearerToken(header(req, "authorization"))
        if (presented === undefined) return false
        if (sharedSecretOk(settings, presented)) return true
        const { paired } = yield* registry.list
        return paired.some((device) => {
          const record = device.tokens["operator"]
          return record !== undefined && record.revokedAtMs === undefined &&
            record.scopes.some((scope) => scope === "operator.read" || scope === "operator.write" || scope === "operator.admin") &&
            tokensEqual(record.token, presented)
        })
      })

    const sendHtml = (req: http.IncomingMessage, res: http.ServerResponse, index: RootFile, basePath: string, buildId: string | undefined) =>
      Effect.gen(function*() {
        const encoding = negotiateEncodings(header(req, "accept-encoding"), new Set(["br", "gzip"]))[0]
        if (encoding === undefined) return notAcceptable(res)
        if (req.method === "HEAD") {
          res.statusCode = 200
          fileHeaders(res, "index.html", { immutable: false, encoding })
          return res.end()
        }
        const source = yield* fs.readFileString(index.path)
        const document = rewriteIndexHtml({ html: source, basePath, buildId, terminalEnabled: false, environment: undefined })
        res.setHeader("Content-Security-Policy", controlUiCsp({ inlineScriptHashes: inlineScriptHashes(document), host: header(req, "host") }))
        fileHeaders(res, "index.html", { immutable: false, encoding })
        if (encoding === "identity") return res.end(document)
        const key = `${encoding}\0${document}`
        let body = htmlCache.get(key)
        if (body === undefined) {
          body = yield* compress(Buffer.from(document, "utf8"), encoding)
          htmlCache.set(key, body)
          for (const stale of htmlCache.keys()) {
            if (htmlCache.size <= HTML_CACHE_ENTRIES) break
            htmlCache.delete(stale)
          }
        } else {
          // Most recently used goes last; the oldest is evicted first.
          htmlCache.delete(key)
          htmlCache.set(key, body)
        }
        res.end(body)
      })

    const serveFile = (req: http.IncomingMessage, res: http.ServerResponse, input: { readonly url: URL; readonly basePath: string; readonly spaFallback: boolean; readonly settings: GatewaySettings }) =>
      Effect.gen(function*() {
        const configuredRoot = input.settings.config.gateway?.controlUi?.root
        const rootReal = yield* resolveRoot(configuredRoot)
        if (rootReal === undefined) return text(res, 503, assetsMissingMessage(configuredRoot))
        const fileRel = fileForPath(input.url.pathname, input.basePath)
        if (fileRel === undefined) return notFound(res)
        const filePath = path.resolve(rootReal, fileRel)
        if (!filePath.startsWith(`${rootReal}${path.sep}`)) return notFound(res)
        const bundled = configuredRoot === undefined
        if (bundled && isPrecompressedSibling(fileRel)) return notFound(res)
        const fingerprinted = bundled && fileRel.startsWith("assets/")
        const buildId = bundled ? BUILD_ID : undefined
        const immutable = fingerprinted || (buildId !== undefined && input.url.searchParams.get("v") === buildId && isVersionedPublicAsset(fileRel))
        const file = yield* rootFile(rootReal, filePath, !bundled)
        if (file !== undefined && path.basename(fileRel) !== "index.html" && path.basename(file.path) !== "index.html") {
          const now = yield* Clock.currentTimeMillis
          const modified = lastModifiedMs(file.mtimeMs, now)
          const precompressed = fingerprinted && COMPRESSIBLE_EXTENSIONS.has(extensionOf(fileRel))
          let body: { readonly file: RootFile; readonly encoding: ContentCoding } | undefined
          for (const coding of negotiateEncodings(header(req, "accept-encoding"), precompressed ? new Set(["br", "gzip"]) : new Set())) {
            const sibling = coding === "identity" ? file : yield* rootFile(rootReal, `${file.path}${coding === "br" ? ".br" : ".gz"}`, !bundled)
            if (sibling !== undefined) {
              body = { file: sibling, encoding: coding }
              break
            }
          }
          if (body === undefined) return notAcceptable(res)
          if (isUnmodified({ ifNoneMatch: header(req, "if-none-match"), ifModifiedSince: header(req, "if-modified-since"), lastModifiedMs: modified, nowMs: now })) {
            res.statusCode = 304
            res.setHeader("Cache-Control", immutable ? IMMUTABLE_CACHE_CONTROL : "no-cache")
            res.setHeader("Last-Modified", new Date(modified).toUTCString())
            res.setHeader("Vary", "Accept-Encoding")
            return res.end()
          }
          res.statusCode = 200
          fileHeaders(res, fileRel, { immutable, encoding: body.encoding, lastModifiedMs: modified })
          if (req.method === "HEAD") {
            res.setHeader("Content-Length", String(body.file.size))
            return res.end()
          }
          const bytes = yield* fs.readFile(body.file.path)
          res.setHeader("Content-Length", String(bytes.byteLength))
          return res.end(bytes)
        }
        let document = file
        if (document === undefined) {
          if (isStaticAssetExtension(extensionOf(fileRel))) return notFound(res)
          // An API-style request for a missing path gets a 404, never the page (spec §1.2).
          if (!input.spaFallback) return notFound(res)
          document = yield* rootFile(rootReal, path.join(rootReal, "index.html"), !bundled)
        }
        if (document === undefined) return notFound(res)
        return yield* sendHtml(req, res, document, input.basePath, buildId)
      })

    const serveConfig = (req: http.IncomingMessage, res: http.ServerResponse, settings: GatewaySettings, basePath: string) =>
      Effect.gen(function*() {
        if (!(yield* authorized(req, settings))) return json(res, 401, UNAUTHORIZED_BODY)
        if (req.method === "HEAD") {
          res.statusCode = 200
          res.setHeader("Content-Type", "application/json; charset=utf-8")
          res.setHeader("Cache-Control", "no-cache")
          return res.end()
        }
        json(res, 200, controlUiRuntimeConfig({
          config: settings.config,
          basePath,
          serverVersion: VERSION,
          serverBuildId: settings.config.gateway?.controlUi?.root === undefined ? BUILD_ID : undefined,
          authRequired: settings.auth.mode !== "none"
        }))
      })

    /** True when the request was the Control UI's and has been answered. */
    const handle = (req: http.IncomingMessage, res: http.ServerResponse, settings: GatewaySettings): Effect.Effect<boolean> =>
      Effect.gen(function*() {
        const ui = settings.config.gateway?.controlUi
        if (ui?.enabled === false) return false
        let url: URL
        try {
          url = new URL(req.url ?? "/", "http://localhost")
        } catch {
          return false
        }
        const basePath = normalizeBasePath(ui?.basePath)
        const route = classifyControlUiRequest({ basePath, pathname: url.pathname, search: url.search, method: req.method, accept: header(req, "accept") })
        if (route.kind === "not-control-ui") return false
        for (const [name, value] of Object.entries(controlUiSecurityHeaders())) res.setHeader(name, value)
        switch (route.kind) {
          case "not-found":
            notFound(res)
            break
          case "redirect":
            res.statusCode = 302
            res.setHeader("Location", route.location)
            res.end()
            break
          case "config":
            yield* serveConfig(req, res, settings, basePath)
            break
          case "serve":
            yield* serveFile(req, res, { url, basePath, spaFallback: route.spaFallback, settings })
        }
        return true
      }).pipe(
        Effect.catchAll(() =>
          Effect.sync(() => {
            if (res.headersSent) res.destroy()
            else {
              res.setHeader("Cache-Control", "no-store")
              text(res, 500, "Internal Server Error")
            }
            return true
          })
        )
      )

    return { handle }
  })
