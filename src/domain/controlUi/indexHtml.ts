import { isVersionedPublicAsset, normalizeBasePath, ROOT_PUBLIC_ASSETS } from "./routing.js"

/** The attributes the page's inline scripts read (spec control-ui §1.2). */
export const BASE_PATH_ATTRIBUTE = "data-openclaw-control-ui-base-path"
export const TERMINAL_ENABLED_ATTRIBUTE = "data-openclaw-terminal-enabled"
export const ENVIRONMENT_ATTRIBUTE = "data-openclaw-environment"
export const BUILD_ID_ATTRIBUTE = "data-openclaw-control-ui-build-id"

const escapeAttribute = (text: string) =>
  text.replace(/&/gu, "&amp;").replace(/</gu, "&lt;").replace(/>/gu, "&gt;").replace(/"/gu, "&quot;").replace(/'/gu, "&#39;")

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/gu, "\\$&")

/**
 * `index.html` as served: relative asset URLs anchored at the base path (deep links preload the right
 * files), root public assets versioned with `?v=<buildId>`, and the `<html>` attributes added.
 */
export const rewriteIndexHtml = (input: {
  readonly html: string
  readonly basePath: string
  readonly buildId: string | undefined
  readonly terminalEnabled: boolean
  readonly environment: unknown
}): string => {
  const base = normalizeBasePath(input.basePath)
  const replacements = new Map<string, string>([["src=\"./assets/", `src="${base}/assets/`], ["href=\"./assets/", `href="${base}/assets/`]])
  for (const asset of ROOT_PUBLIC_ASSETS) {
    const version = input.buildId !== undefined && isVersionedPublicAsset(asset) ? `?v=${encodeURIComponent(input.buildId)}` : ""
    const href = `href="${base}/${asset}${version}"`
    replacements.set(`href="./${asset}"`, href)
    replacements.set(`href="/${asset}"`, href)
    replacements.set(`href="${base}/${asset}"`, href)
  }
  const pattern = new RegExp([...replacements.keys()].map(escapeRegExp).join("|"), "gu")
  const anchored = input.html.replace(pattern, (match) => replacements.get(match) ?? match)
  const attributes = [
    ` ${BASE_PATH_ATTRIBUTE}="${escapeAttribute(base)}"`,
    ` ${TERMINAL_ENABLED_ATTRIBUTE}="${input.terminalEnabled}"`,
    input.environment === undefined ? "" : ` ${ENVIRONMENT_ATTRIBUTE}="${escapeAttribute(JSON.stringify(input.environment))}"`,
    input.buildId === undefined ? "" : ` ${BUILD_ID_ATTRIBUTE}="${escapeAttribute(input.buildId)}"`
  ].join("")
  return anchored.replace(/<html\b[^>]*>/iu, (tag) =>
    tag.replace(new RegExp(`\\s${BUILD_ID_ATTRIBUTE}="[^"]*"`, "gu"), "").replace(/<html\b/iu, `<html${attributes}`))
}
