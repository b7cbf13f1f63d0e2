import type { IncomingMessage } from "node:http"
import type { PeerInfo } from "../../domain/auth/locality.js"

/** The peer of an HTTP request or WebSocket upgrade: address, Host, Origin and every header (joined). */
export const peerInfo = (req: IncomingMessage): PeerInfo => {
  const headers: Record<string, string | undefined> = {}
  for (const [key, value] of Object.entries(req.headers)) headers[key] = Array.isArray(value) ? value.join(",") : value
  return { ip: req.socket.remoteAddress ?? "", host: headers["host"], origin: headers["origin"], headers }
}
