import { Either, Schema } from "effect"
import { tolerant } from "./tolerant.js"

/** Whether an error body is a web page rather than a provider API error (a WAF, CDN or proxy answered). */
export const isHtmlBody = (text: string) => /^\s*(<!doctype html|<html|<head|<body)/i.test(text)

const decodeEntities = (text: string) =>
  text.replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, "\"").replace(/&#39;/g, "'")

/** The page's title, else its first text, squeezed to one short line. */
export const htmlGist = (html: string): string => {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1]
  const text = title ?? html.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/gi, " ").replace(/<[^>]+>/g, " ")
  return decodeEntities(text).replace(/\s+/g, " ").trim().slice(0, 120)
}

/** The runbook's "Upstream 403 blocked responses": generic block text from a security layer. */
export const looksLikeUpstreamBlock = (status: number | undefined, summary: string) =>
  (status === 403 && /blocked|forbidden|access denied|attention required|cloudflare|captcha|waf/i.test(summary)) || /HTML response, not a provider API error/.test(summary)

/** A provider error body as OpenAI-compatible servers, FastAPI and others send it; every field optional. */
const ErrorEnvelope = Schema.parseJson(Schema.Struct({
  error: tolerant(Schema.Struct({ message: tolerant(Schema.String), code: tolerant(Schema.String), type: tolerant(Schema.String) })),
  message: tolerant(Schema.String),
  detail: tolerant(Schema.String)
}))
const decodeEnvelope = Schema.decodeUnknownEither(ErrorEnvelope, { errors: "all" })

/** `HTTP <status>: <code or type>: <message>`, or the raw text for non-JSON errors. */
export const errorSummary = (status: number, text: string): { readonly summary: string; readonly code: string | undefined } => {
  const decoded = decodeEnvelope(text)
  const root = Either.isRight(decoded) ? decoded.right : undefined
  const message = root?.error?.message ?? root?.message ?? root?.detail
  const label = root?.error?.code ?? root?.error?.type
  if (message !== undefined) return { summary: `HTTP ${status}: ${label === undefined ? "" : `${label}: `}${message}`, code: label }
  // A security layer in front of the endpoint answers with a page, not an API error: say so briefly.
  if (isHtmlBody(text)) return { summary: `HTTP ${status}: HTML response, not a provider API error ("${htmlGist(text)}")`, code: undefined }
  const raw = text.trim().replace(/\s+/g, " ").slice(0, 300)
  return { summary: raw === "" ? `HTTP ${status}` : `HTTP ${status}: ${raw}`, code: undefined }
}
