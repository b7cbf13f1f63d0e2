import WebSocket from "ws"
import { VERSION } from "../../src/domain/BuildInfo.js"
import { payloadV2, payloadV3 } from "../../src/domain/protocol/deviceAuth.js"
import { type DeviceKeyPair, generateDeviceKeyPair, signPayload } from "../../src/layers/crypto/ed25519.js"

export interface Frame {
  readonly type: string
  readonly id?: string
  readonly ok?: boolean
  readonly event?: string
  readonly payload?: any
  readonly error?: { code: string; message: string; details?: Record<string, any>; retryable?: boolean; retryAfterMs?: number }
  readonly seq?: number
}

/** A protocol-level test client: raw frames in and out, nothing hidden. */
export interface RawClient {
  readonly ws: WebSocket
  readonly challenge: { nonce: string; ts: number }
  readonly send: (frame: unknown) => void
  readonly sendRaw: (data: string | Buffer, binary?: boolean) => void
  /** The next frame matching `predicate` (default: any), waiting up to `timeoutMs`. */
  readonly next: (predicate?: (f: Frame) => boolean, timeoutMs?: number) => Promise<Frame>
  readonly closed: Promise<{ code: number; reason: string }>
  readonly close: () => void
}

export const openRaw = (url: string, options: { origin?: string; headers?: Record<string, string> } = {}): Promise<RawClient> =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { ...(options.origin === undefined ? {} : { origin: options.origin }), ...options.headers } })
    const frames: Array<Frame> = []
    const waiters: Array<{ predicate: (f: Frame) => boolean; resolve: (f: Frame) => void }> = []
    let challengeSeen = false
    const closed = new Promise<{ code: number; reason: string }>((res) => ws.on("close", (code, reason) => res({ code, reason: reason.toString() })))
    ws.on("error", (e) => (challengeSeen ? undefined : reject(e)))
    ws.on("message", (data) => {
      const frame = JSON.parse(String(data)) as Frame
      if (!challengeSeen && frame.event === "connect.challenge") {
        challengeSeen = true
        resolve(client(frame.payload))
        return
      }
      const waiter = waiters.findIndex((w) => w.predicate(frame))
      if (waiter >= 0) waiters.splice(waiter, 1)[0]?.resolve(frame)
      else frames.push(frame)
    })
    const client = (challenge: { nonce: string; ts: number }): RawClient => ({
      ws,
      challenge,
      send: (frame) => ws.send(JSON.stringify(frame)),
      sendRaw: (data, binary = false) => ws.send(data, { binary }),
      // The default only turns a frame that never comes into a failure; it is no speed budget (a loaded
      // machine may take seconds to answer a flood). Tests that expect silence pass a short timeout.
      next: (predicate = () => true, timeoutMs = 30_000) => {
        const index = frames.findIndex(predicate)
        if (index >= 0) return Promise.resolve(frames.splice(index, 1)[0] as Frame)
        return new Promise((res, rej) => {
          const timer = setTimeout(() => rej(new Error("timed out waiting for a frame")), timeoutMs)
          waiters.push({ predicate, resolve: (f) => (clearTimeout(timer), res(f)) })
        })
      },
      closed,
      close: () => ws.close()
    })
  })

export interface ConnectInput {
  readonly token?: string
  readonly password?: string
  readonly deviceToken?: string
  readonly role?: string
  readonly scopes?: ReadonlyArray<string>
  readonly clientId?: string
  readonly clientMode?: string
  readonly platform?: string
  readonly deviceFamily?: string
  readonly device?: DeviceKeyPair | null
  readonly minProtocol?: number
  readonly maxProtocol?: number
  /** Tamper with the signed fields. */
  readonly sign?: { nonce?: string; signedAt?: number; deviceId?: string; publicKey?: string; version?: "v2" | "v3"; signature?: string }
  readonly extra?: Record<string, unknown>
}

/** Builds `connect` params with a correct (or deliberately broken) device signature. */
export const connectParams = (challenge: { nonce: string; ts: number }, input: ConnectInput = {}) => {
  const role = input.role ?? "operator"
  const scopes = input.scopes ?? ["operator.read", "operator.write", "operator.admin"]
  const client = {
    id: input.clientId ?? "cli",
    version: VERSION,
    platform: input.platform ?? "linux",
    mode: input.clientMode ?? "cli",
    ...(input.deviceFamily === undefined ? {} : { deviceFamily: input.deviceFamily })
  }
  const auth = {
    ...(input.token === undefined ? {} : { token: input.token }),
    ...(input.password === undefined ? {} : { password: input.password }),
    ...(input.deviceToken === undefined ? {} : { deviceToken: input.deviceToken })
  }
  const device = input.device === null ? undefined : input.device ?? generateDeviceKeyPair()
  const signedAt = input.sign?.signedAt ?? challenge.ts
  const nonce = input.sign?.nonce ?? challenge.nonce
  const deviceId = input.sign?.deviceId ?? device?.deviceId ?? ""
  const signInputs = {
    deviceId,
    clientId: client.id,
    clientMode: client.mode,
    role,
    scopes,
    signedAt,
    token: input.token ?? input.deviceToken ?? "",
    nonce,
    platform: client.platform,
    deviceFamily: input.deviceFamily
  }
  return {
    minProtocol: input.minProtocol ?? 4,
    maxProtocol: input.maxProtocol ?? 4,
    client,
    role,
    scopes,
    auth,
    ...(device === undefined
      ? {}
      : {
        device: {
          id: deviceId,
          publicKey: input.sign?.publicKey ?? device.publicKey,
          signedAt,
          nonce,
          signature: input.sign?.signature ?? signPayload(device.privateKeyPem, input.sign?.version === "v2" ? payloadV2(signInputs) : payloadV3(signInputs))
        }
      }),
    ...input.extra
  }
}

let counter = 0
/** Opens a socket, sends `connect`, returns the client and the connect response. */
export const connectRaw = async (url: string, input: ConnectInput = {}, options: { origin?: string; headers?: Record<string, string> } = {}) => {
  const client = await openRaw(url, options)
  const id = `c${++counter}`
  client.send({ type: "req", id, method: "connect", params: connectParams(client.challenge, input) })
  const response = await client.next((f) => f.type === "res" && f.id === id)
  return { client, response }
}

/** Sends a request and waits for its response. */
export const call = async (client: RawClient, method: string, params?: unknown) => {
  const id = `r${++counter}`
  client.send({ type: "req", id, method, ...(params === undefined ? {} : { params }) })
  return client.next((f) => f.type === "res" && f.id === id)
}
