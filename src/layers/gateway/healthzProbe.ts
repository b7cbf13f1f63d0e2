import { Effect } from "effect"
import * as http from "node:http"

/** Whether `GET /healthz` answers like a Clawgate/OpenClaw gateway (`{"ok":true,...}`). */
export const answersAsGateway = (host: string, port: number) =>
  Effect.async<boolean>((resume) => {
    let settled = false
    // No agent: a pooled keep-alive socket would outlive the probe. Every outcome closes the socket.
    const request = http.get({ host, port, path: "/healthz", agent: false, headers: { accept: "application/json", connection: "close" } }, (response) => {
      let body = ""
      response.setEncoding("utf8")
      response.on("data", (chunk: string) => {
        if (body.length < 4096) body += chunk
      })
      response.on("end", () => finish(response.statusCode === 200 && isOkBody(body)))
      response.on("error", () => finish(false))
    })
    const finish = (answer: boolean) => {
      if (settled) return
      settled = true
      request.destroy()
      resume(Effect.succeed(answer))
    }
    request.on("error", () => finish(false))
    return Effect.sync(() => request.destroy())
  })

const isOkBody = (body: string) => {
  try {
    const parsed: unknown = JSON.parse(body)
    return typeof parsed === "object" && parsed !== null && (parsed as { readonly ok?: unknown }).ok === true
  } catch {
    return false
  }
}

