import { h, str } from "../dom.js"
import { button, errorBox, section, type View } from "./view.js"

const POLL_MS = 2_000
const MAX_LINES = 2_000

/** A line of the JSON log as `time level subsystem message`; other lines as they are. */
const render = (line: string): HTMLElement => {
  try {
    const entry = JSON.parse(line) as Record<string, unknown>
    const level = str(entry["level"] ?? entry["_meta"] ?? "").toLowerCase()
    const message = str(entry["msg"] ?? entry["message"] ?? entry["0"] ?? line)
    const time = str(entry["time"] ?? entry["ts"] ?? "")
    return h("li", { class: `log-line level-${level.replace(/[^a-z]/g, "")}` }, h("span", { class: "log-time" }, time.replace(/^.*T|Z$/g, "").slice(0, 12)), " ",
      h("span", { class: "log-level" }, level), " ", str(entry["subsystem"] ?? entry["module"] ?? ""), " ", message)
  } catch {
    return h("li", { class: "log-line" }, line)
  }
}

/** The gateway's log, live: `logs.tail` every 2 s from the last cursor; a new file starts over. */
export const logsView: View = (root, ctx) => {
  const lines = h("ol", { class: "log", "aria-live": "off", "aria-label": "Log lines" })
  const state = h("p", { class: "muted", role: "status" })
  const filter = h("input", { type: "search", placeholder: "Filter", "aria-label": "Filter log lines" })
  const follow = h("input", { type: "checkbox", id: "logs-follow", checked: true })
  let cursor: number | undefined
  let file: string | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  let stopped = false
  const applyFilter = () => {
    const needle = filter.value.toLowerCase()
    for (const item of Array.from(lines.children)) (item as HTMLElement).hidden = needle !== "" && !(item.textContent ?? "").toLowerCase().includes(needle)
  }
  filter.addEventListener("input", applyFilter)
  const poll = async () => {
    timer = undefined
    try {
      const params: Record<string, unknown> = cursor === undefined ? { limit: 500, maxBytes: 250_000 } : { cursor, limit: 500, maxBytes: 250_000 }
      const result = await ctx.client.request<{ file: string; cursor: number; lines: Array<string>; reset?: boolean; truncated?: boolean }>("logs.tail", params)
      if (stopped) return
      if ((file !== undefined && result.file !== file) || result.reset === true) {
        lines.replaceChildren()
        if (result.file !== file && cursor !== undefined) {
          file = result.file
          cursor = undefined
          return void poll()
        }
      }
      file = result.file
      cursor = result.cursor
      const needle = filter.value.toLowerCase()
      for (const line of result.lines) {
        if (line.trim() === "") continue
        const item = render(line)
        item.hidden = needle !== "" && !line.toLowerCase().includes(needle)
        lines.append(item)
      }
      while (lines.children.length > MAX_LINES) lines.firstElementChild?.remove()
      if (follow.checked && result.lines.length > 0) lines.lastElementChild?.scrollIntoView({ block: "end" })
      state.textContent = `${file} · live (every ${POLL_MS / 1000} s)${result.truncated === true ? " · older lines skipped" : ""}`
    } catch (error) {
      if (stopped) return
      state.replaceChildren(errorBox(error))
    }
    if (!stopped) timer = setTimeout(() => void poll(), POLL_MS)
  }
  root.append(section("Logs", [filter, h("label", { for: "logs-follow", class: "inline" }, follow, " Follow"), button("Clear", () => lines.replaceChildren())], state, lines))
  void poll()
  return () => {
    stopped = true
    if (timer !== undefined) clearTimeout(timer)
  }
}
