/** One server-sent event: its `event:` name (if any) and its joined `data:` lines. */
export interface SseEvent {
  readonly event: string | undefined
  readonly data: string
}

/**
 * An incremental SSE decoder: feed it text as it arrives, get back the events completed so far.
 * Handles `\n`, `\r\n` and `\r` line ends, multi-line `data:`, comments and events split across reads.
 */
export const makeSseDecoder = () => {
  let buffer = ""
  let event: string | undefined
  let data: Array<string> = []
  const line = (text: string, out: Array<SseEvent>) => {
    if (text === "") {
      if (data.length > 0) out.push({ event, data: data.join("\n") })
      event = undefined
      data = []
      return
    }
    if (text.startsWith(":")) return
    const colon = text.indexOf(":")
    const field = colon < 0 ? text : text.slice(0, colon)
    let value = colon < 0 ? "" : text.slice(colon + 1)
    if (value.startsWith(" ")) value = value.slice(1)
    if (field === "data") data.push(value)
    else if (field === "event") event = value
  }
  return {
    feed(chunk: string): Array<SseEvent> {
      buffer += chunk
      const out: Array<SseEvent> = []
      let start = 0
      for (let i = 0; i < buffer.length; i++) {
        const c = buffer.charCodeAt(i)
        if (c !== 10 && c !== 13) continue
        // A lone `\r` at the end may be half of `\r\n`: wait for more input.
        if (c === 13 && i === buffer.length - 1) break
        line(buffer.slice(start, i), out)
        if (c === 13 && buffer.charCodeAt(i + 1) === 10) i++
        start = i + 1
      }
      buffer = buffer.slice(start)
      return out
    },
    /** Ends the stream: a final event without its blank line still counts. */
    end(): Array<SseEvent> {
      const out: Array<SseEvent> = []
      if (buffer !== "") line(buffer, out)
      buffer = ""
      line("", out)
      return out
    }
  }
}
