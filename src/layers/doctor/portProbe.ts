import { type Duration, Effect } from "effect"
import * as http from "node:http"
import * as net from "node:net"
import type { PortProbe } from "../../domain/doctor/gatewayChecks.js"
import { portOwners } from "../gateway/processInfo.js"

/** Whether anything accepts a TCP connection on host:port. */
const acceptsConnections = (host: string, port: number) =>
  Effect.async<boolean>((resume) => {
    const socket = net.createConnection({ host, port })
    socket.once("connect", () => {
      socket.destroy()
      resume(Effect.succeed(true))
    })
    socket.once("error", () => {
      socket.destroy()
      resume(Effect.succeed(false))
    })
    return Effect.sync(() => socket.destroy())
  })

/** Whether `GET /healthz` answers like a Clawgate/OpenClaw gateway (`{"ok":true,...}`). */
const answersAsGateway = (host: string, port: number) =>
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

/** Probes the gateway port: is it taken, and if so, by a gateway that answers? */
export const probePort = (host: string, port: number, timeout: Duration.DurationInput): Effect.Effect<PortProbe> =>
  Effect.gen(function*() {
    const listening = yield* acceptsConnections(host, port).pipe(Effect.timeoutTo({ duration: timeout, onTimeout: () => false, onSuccess: (ok) => ok }))
    if (!listening) return { port, listening: false, gateway: false, owners: [] }
    const gateway = yield* answersAsGateway(host, port).pipe(Effect.timeoutTo({ duration: timeout, onTimeout: () => false, onSuccess: (ok) => ok }))
    return { port, listening: true, gateway, owners: gateway ? [] : portOwners(port) }
  })
