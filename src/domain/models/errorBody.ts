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
