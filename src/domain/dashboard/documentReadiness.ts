/** What a HEAD of the Control UI document says about opening the dashboard (the original's readiness rules). */
export type DocumentVerdict =
  | { readonly _tag: "Ready" }
  /** 503 with Retry-After: assets are being prepared; ask again after `delayMs`. */
  | { readonly _tag: "Pending"; readonly delayMs: number }
  /** 503 without Retry-After: the page's own text/plain body says why (read it with a GET). */
  | { readonly _tag: "Unavailable"; readonly status: number; readonly needsDetail: boolean }

export const documentVerdict = (reply: { readonly status: number; readonly contentType: string | undefined; readonly retryAfter: string | undefined }): DocumentVerdict => {
  const mediaType = reply.contentType?.split(";", 1)[0]?.trim().toLowerCase()
  if (reply.status === 200 && mediaType === "text/html") return { _tag: "Ready" }
  if (reply.status === 503 && reply.retryAfter !== undefined && reply.retryAfter !== "") {
    const seconds = Number(reply.retryAfter)
    return { _tag: "Pending", delayMs: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000 }
  }
  return { _tag: "Unavailable", status: reply.status, needsDetail: reply.status === 503 }
}

/** The reason shown for an unavailable page: its plain-text explanation when it gave one (controls stripped). */
export const unavailableReason = (status: number, detail: string | undefined): string => {
  const clean = detail?.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/gu, "").trim().slice(0, 2048)
  return clean !== undefined && clean !== "" ? clean : `Control UI dashboard is unavailable (HTTP ${status}).`
}

export const PENDING_NOTICE = "Control UI assets are preparing; waiting for the dashboard…"
export const PENDING_TIMEOUT_REASON = "Control UI assets did not finish preparing in time."
