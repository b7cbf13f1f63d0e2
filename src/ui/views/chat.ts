import { h, isRecord, list, str } from "../dom.js"
import { button, errorBox, section, type View } from "./view.js"

/** The text of a transcript or event message (`content` as a string or as text parts). */
const messageText = (message: unknown): string => {
  if (!isRecord(message)) return ""
  const content = message["content"]
  if (typeof content === "string") return content
  return list(content).filter((part) => part["type"] === "text").map((part) => str(part["text"])).join("")
}

const newKey = () => (typeof crypto.randomUUID === "function" ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`)

/** Web chat with an agent session: history, send, streamed reply (`chat` events), abort. */
export const chatView: View = (root, ctx) => {
  const sessionKey = ctx.rest === "" ? ctx.session.remembered() ?? "main" : decodeURIComponent(ctx.rest)
  ctx.session.remember(sessionKey)
  let canonicalKey = sessionKey
  const log = h("ol", { class: "chat-log", "aria-live": "polite", "aria-label": "Messages" })
  const input = h("textarea", { id: "chat-input", rows: 3, placeholder: "Message the agent (Enter sends, Shift+Enter for a new line)", "aria-label": "Message" })
  const state = h("p", { class: "muted", role: "status" })
  const runs = new Map<string, HTMLElement>()
  let activeRun: string | undefined
  const abort = button("Abort", async () => {
    if (activeRun === undefined) return
    try {
      await ctx.client.request("chat.abort", { sessionKey, runId: activeRun })
    } catch (error) {
      state.replaceChildren(errorBox(error))
    }
  }, { disabled: "" })
  const bubble = (role: string, text: string) => {
    const item = h("li", { class: `msg msg-${role}` }, h("span", { class: "who" }, role === "user" ? "You" : role === "assistant" ? "Agent" : role), h("div", { class: "text" }, text))
    log.append(item)
    item.scrollIntoView({ block: "end" })
    return item
  }
  const setText = (item: HTMLElement, text: string) => {
    const target = item.querySelector(".text")
    if (target !== null) target.textContent = text
  }
  /** Tool calls of our runs, as small lines before the reply they lead to. */
  const onAgentEvent = (payload: Record<string, unknown>) => {
    const runId = str(payload["runId"])
    const data = payload["data"]
    if (payload["stream"] !== "tool" || !isRecord(data) || !runs.has(runId)) return
    const reply = runs.get(runId)
    const line = h("li", { class: "msg msg-tool" }, h("span", { class: "who" }, "Tool"),
      h("div", { class: "text" }, data["phase"] === "start" ? `${str(data["name"])} running…` : `${str(data["name"])} ${data["isError"] === true ? "failed" : "done"}`))
    if (reply !== undefined) log.insertBefore(line, reply)
    else log.append(line)
  }
  const send = async () => {
    const message = input.value.trim()
    if (message === "") return
    input.value = ""
    bubble("user", message)
    state.textContent = "Sending…"
    try {
      const result = await ctx.client.request<{ runId: string; status: string }>("chat.send", { sessionKey, message, idempotencyKey: newKey() })
      activeRun = result.runId
      if (!runs.has(result.runId)) runs.set(result.runId, bubble("assistant", "…"))
      abort.removeAttribute("disabled")
      state.textContent = "Agent is replying…"
    } catch (error) {
      state.replaceChildren(errorBox(error))
    }
  }
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault()
      void send()
    }
  })
  root.append(section(`Chat · ${sessionKey}`, [abort], log,
    h("form", { class: "composer", onsubmit: (event: SubmitEvent) => { event.preventDefault(); void send() } }, input, h("button", { type: "submit" }, "Send")), state))
  void ctx.client.request<Record<string, unknown>>("chat.history", { sessionKey, limit: 200 }).then(
    (history) => {
      canonicalKey = str(history["sessionKey"]) || sessionKey
      const earlier = list(history["messages"]).filter((m) => m["role"] === "user" || m["role"] === "assistant")
      const items = earlier.map((m) => h("li", { class: `msg msg-${str(m["role"])}` }, h("span", { class: "who" }, m["role"] === "user" ? "You" : "Agent"), h("div", { class: "text" }, messageText(m))))
      log.prepend(...items)
      if (earlier.length === 0 && log.children.length === 0) state.textContent = "No messages yet in this session."
    },
    (error: unknown) => state.replaceChildren(errorBox(error))
  )
  return ctx.onEvent((event, payload) => {
    if (event === "agent" && isRecord(payload)) return onAgentEvent(payload)
    if (event !== "chat" || !isRecord(payload)) return
    const runId = str(payload["runId"])
    const key = str(payload["sessionKey"])
    if (!runs.has(runId) && key !== sessionKey && key !== canonicalKey) return
    let item = runs.get(runId)
    if (item === undefined) {
      item = bubble("assistant", "")
      runs.set(runId, item)
    }
    const text = messageText(payload["message"])
    switch (payload["state"]) {
      case "delta":
        setText(item, text)
        item.classList.add("streaming")
        break
      case "final":
        if (text !== "") setText(item, text)
        item.classList.remove("streaming")
        state.textContent = ""
        break
      case "aborted":
        setText(item, `${text} [aborted]`.trim())
        item.classList.remove("streaming")
        state.textContent = "Aborted."
        break
      case "error":
        setText(item, `Error: ${str(payload["errorMessage"])}`)
        item.classList.add("msg-error")
        item.classList.remove("streaming")
        state.textContent = ""
        break
    }
    if (payload["state"] !== "delta" && runId === activeRun) {
      activeRun = undefined
      abort.setAttribute("disabled", "")
    }
  })
}
