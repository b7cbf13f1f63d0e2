import type { Page, WebSocket } from "playwright-core"

/** One RPC the page made over its gateway socket, with its answer once it came. */
export interface RecordedCall {
  readonly id: string
  readonly method: string
  readonly params: unknown
  readonly sentAt: number
  answer?: { readonly ok: boolean; readonly error?: { readonly code?: string; readonly message?: string } }
}

/**
 * Records every request frame a page sends on its WebSockets and the response to each (matched by id),
 * and the events it receives, so a test can wait for calls instead of sleeping.
 */
export const recordFrames = (page: Page) => {
  const calls: Array<RecordedCall> = []
  const events: Array<{ readonly event: string; readonly payload: unknown }> = []
  const waiters = new Set<() => void>()
  const changed = () => waiters.forEach((wake) => wake())
  const text = (payload: string | Buffer) => (typeof payload === "string" ? payload : payload.toString("utf8"))
  const parse = (payload: string | Buffer): any => {
    try {
      return JSON.parse(text(payload))
    } catch {
      return undefined
    }
  }
  page.on("websocket", (ws: WebSocket) => {
    ws.on("framesent", ({ payload }) => {
      const frame = parse(payload)
      if (frame?.type === "req") calls.push({ id: String(frame.id), method: String(frame.method), params: frame.params, sentAt: Date.now() })
      changed()
    })
    ws.on("framereceived", ({ payload }) => {
      const frame = parse(payload)
      if (frame?.type === "res") {
        const call = [...calls].reverse().find((c) => c.id === String(frame.id) && c.answer === undefined)
        if (call !== undefined) call.answer = frame.ok === true ? { ok: true } : { ok: false, error: frame.error ?? {} }
      } else if (frame?.type === "event") events.push({ event: String(frame.event), payload: frame.payload })
      changed()
    })
  })
  /** Resolves when `done()` holds, checked on every frame; rejects after `timeoutMs` with `describe()`. */
  const until = (done: () => boolean, timeoutMs: number, describe: () => string) =>
    new Promise<void>((resolve, reject) => {
      if (done()) return resolve()
      const wake = () => {
        if (!done()) return
        clearTimeout(timer)
        waiters.delete(wake)
        resolve()
      }
      const timer = setTimeout(() => {
        waiters.delete(wake)
        reject(new Error(`timed out after ${timeoutMs} ms: ${describe()}`))
      }, timeoutMs)
      waiters.add(wake)
    })
  return { calls, events, until }
}

/**
 * Resolves once every recorded call since `from` is answered and no frame came for `quietMs`
 * (the page has finished what a view load started); rejects after `timeoutMs`.
 */
export const settled = (log: ReturnType<typeof recordFrames>, from: number, quietMs: number, timeoutMs: number) =>
  new Promise<void>((resolve, reject) => {
    let lastCount = -1
    let lastEvents = -1
    const deadline = setTimeout(() => {
      clearInterval(timer)
      reject(new Error(`calls still unanswered after ${timeoutMs} ms: ${log.calls.slice(from).filter((c) => c.answer === undefined).map((c) => c.method).join(", ")}`))
    }, timeoutMs)
    let quietSince = Date.now()
    const timer = setInterval(() => {
      const pending = log.calls.slice(from).some((c) => c.answer === undefined)
      const answered = log.calls.filter((c) => c.answer !== undefined).length
      if (answered !== lastCount || log.events.length !== lastEvents || pending) {
        lastCount = answered
        lastEvents = log.events.length
        quietSince = Date.now()
        return
      }
      if (Date.now() - quietSince >= quietMs) {
        clearInterval(timer)
        clearTimeout(deadline)
        resolve()
      }
    }, 50)
  })
