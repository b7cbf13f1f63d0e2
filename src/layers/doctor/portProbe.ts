import type * as FileSystem from "@effect/platform/FileSystem"
import { type Duration, Effect } from "effect"
import * as net from "node:net"
import type { PortProbe } from "../../domain/doctor/gatewayChecks.js"
import { answersAsGateway } from "../gateway/healthzProbe.js"
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

/** Probes the gateway port: is it taken, and if so, by a gateway that answers? */
export const probePort = (host: string, port: number, timeout: Duration.DurationInput): Effect.Effect<PortProbe, never, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const listening = yield* acceptsConnections(host, port).pipe(Effect.timeoutTo({ duration: timeout, onTimeout: () => false, onSuccess: (ok) => ok }))
    if (!listening) return { port, listening: false, gateway: false, owners: [] }
    const gateway = yield* answersAsGateway(host, port).pipe(Effect.timeoutTo({ duration: timeout, onTimeout: () => false, onSuccess: (ok) => ok }))
    return { port, listening: true, gateway, owners: gateway ? [] : yield* portOwners(port) }
  })
