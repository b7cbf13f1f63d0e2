import { Clock, type Context, Effect, Either, Option, Schema } from "effect"
import { authFailure, checkSharedSecret, type SharedAuthResult } from "../../domain/auth/connectAuth.js"
import { identityGrant, type ResolvedAuth } from "../../domain/auth/resolveAuth.js"
import {
  attributedClientIp,
  capScopesByHeader,
  checkOrigin,
  checkTrustedProxy,
  hasForwardingHeaders,
  isLocalClient,
  isLocalDirect,
  type PeerInfo
} from "../../domain/auth/locality.js"
import { ipInList, isLoopbackAddress } from "../../domain/net/ip.js"
import { normalizeOrigin } from "../../domain/net/origin.js"
import { decidePairing, pairingMessage } from "../../domain/pairing/decide.js"
import { describeParseError } from "../../domain/protocol/describeParseError.js"
import { nestedDeeperThan, tooDeepMessage } from "../../domain/protocol/nesting.js"
import { checkDeviceClaims, signatureInvalid } from "../../domain/protocol/deviceAuth.js"
import {
  DeviceIdentityRequired,
  InvalidRequest,
  PairingRequired,
  ProtocolMismatch,
  Unavailable
} from "../../domain/protocol/errors.js"
import { ConnectParams, MIN_CLIENT_PROTOCOL, MIN_NODE_PROTOCOL, MIN_PROBE_PROTOCOL, PROTOCOL_VERSION } from "../../domain/protocol/frames.js"
import type { AuthRateLimiter, LimiterKey } from "../../services/AuthRateLimiter.js"
import type { DeviceRegistry, PairingAsk } from "../../services/DeviceRegistry.js"
import type { GatewayRuntime } from "../../services/GatewayRuntime.js"
import { b64url, nodeDeviceCrypto, verifyOffLoop } from "../crypto/ed25519.js"
import { secretEquals } from "./secrets.js"

/** The socket facts the connect pipeline needs. */
export interface SocketFacts {
  readonly connId: string
  readonly nonce: string
  readonly peer: PeerInfo
  /** This host's own interface addresses, for the trusted-proxy spoofing guard. */
  readonly localAddresses: ReadonlyArray<string>
}

/** The services the connect pipeline asks, resolved once by the server rather than on every connect. */
export interface ConnectServices {
  readonly runtime: Context.Tag.Service<typeof GatewayRuntime>
  readonly limiter: Context.Tag.Service<typeof AuthRateLimiter>
  readonly devices: Context.Tag.Service<typeof DeviceRegistry>
}

/** A connect that passed every check. */
export interface AcceptedConnect {
  readonly params: ConnectParams
  readonly role: string
  readonly scopes: ReadonlyArray<string>
  readonly deviceId: string | undefined
  readonly authMethod: string
  readonly deviceToken: { readonly token: string; readonly issuedAtMs: number } | undefined
}

const decodeParams = Schema.decodeUnknownEither(ConnectParams, { errors: "all", onExcessProperty: "error" })

const BROWSER_CLIENTS = new Set(["openclaw-control-ui", "webchat-ui", "webchat"])

const protocolAccepted = (p: ConnectParams, role: string) => {
  const { minProtocol: min, maxProtocol: max } = p
  if (min <= PROTOCOL_VERSION && PROTOCOL_VERSION <= max && max >= MIN_CLIENT_PROTOCOL) return true
  if (p.client.mode === "probe" && max >= MIN_PROBE_PROTOCOL && min <= PROTOCOL_VERSION) return true
  return role === "node" && p.client.mode === "node" && min <= MIN_NODE_PROTOCOL && MIN_NODE_PROTOCOL <= max
}

// `gateway.nodes.pairing.autoApproveLocal` lives in a section Clawgate keeps but does not model yet.
const autoApproveLocalEnabled = (config: unknown): boolean => {
  const nodes = (config as { gateway?: { nodes?: { pairing?: { autoApproveLocal?: unknown } } } }).gateway?.nodes
  return nodes?.pairing?.autoApproveLocal !== false
}

// Internal clients on the gateway host do not pass through the proxy: they may use `gateway.auth.password`.
const trustedProxyOrLocalPassword = (
  auth: ResolvedAuth,
  peer: PeerInfo,
  localAddresses: ReadonlyArray<string>,
  localDirect: boolean,
  password: string | undefined
): SharedAuthResult => {
  const proxied = checkTrustedProxy(auth, peer, localAddresses)
  if (proxied.ok || !localDirect || auth.password === undefined || password === undefined) return proxied
  return checkSharedSecret({ ...auth, mode: "password" }, { token: undefined, password }, secretEquals)
}

const pairingHint = (requestId: string) => `Approve this device on the gateway host: openclaw devices approve ${requestId}`

/** Runs the server pipeline of spec section 2 for one `connect` request; first failure wins. */
export const runConnect = (raw: unknown, socket: SocketFacts, { runtime, limiter, devices: registry }: ConnectServices) =>
  Effect.gen(function*() {
    // (1) params
    if (nestedDeeperThan(raw)) return yield* new InvalidRequest({ message: tooDeepMessage("connect") })
    const decoded = decodeParams(raw)
    if (Either.isLeft(decoded)) {
      return yield* new InvalidRequest({ message: `invalid connect params: ${describeParseError(decoded.left, ConnectParams)}` })
    }
    const params = decoded.right
    // (2) readiness
    if (!(yield* runtime.ready)) {
      return yield* new Unavailable({ message: "gateway starting; retry shortly", retryAfterMs: 500, details: { reason: "startup-sidecars" } })
    }
    const role = params.role ?? "operator"
    // (3) protocol
    if (!protocolAccepted(params, role)) {
      return yield* new ProtocolMismatch({ message: "protocol mismatch", clientMinProtocol: params.minProtocol, clientMaxProtocol: params.maxProtocol })
    }
    // (4) role
    if (role !== "operator" && role !== "node") return yield* new InvalidRequest({ message: "invalid role" })
    const settings = yield* runtime.settings
    const auth = settings.auth
    const peer = socket.peer
    const allowRealIpFallback = settings.config.gateway?.allowRealIpFallback === true
    const localDirect = isLocalDirect(peer, auth.trustedProxies, allowRealIpFallback)
    const browserClient = BROWSER_CLIENTS.has(params.client.id) || params.client.mode === "ui" || params.client.mode === "webchat"
    // (5) origin
    if (peer.origin !== undefined || browserClient) {
      const refused = checkOrigin({
        peer,
        allowedOrigins: settings.config.gateway?.controlUi?.allowedOrigins ?? [],
        hostHeaderFallback: settings.config.gateway?.controlUi?.dangerouslyAllowHostHeaderOriginFallback ?? false,
        localClient: isLocalClient(peer, auth.trustedProxies, allowRealIpFallback)
      })
      if (refused !== undefined) return yield* refused
    }
    // A same-host proxy we were not told about hides the real client: refuse before any credential check.
    if (isLoopbackAddress(peer.ip) && hasForwardingHeaders(peer) && !ipInList(peer.ip, auth.trustedProxies)) {
      return yield* authFailure("proxy_attribution_required", {
        clientId: params.client.id,
        clientMode: params.client.mode,
        deviceSent: params.device !== undefined,
        tokenWithoutDeviceToken: false
      })
    }
    // A browser socket never gets the loopback exemption, even with an unparseable Origin.
    const browserOrigin = peer.origin === undefined ? undefined : normalizeOrigin(peer.origin) ?? "null"
    // Behind a trusted proxy, failures count against the client it forwards for, not the proxy.
    const clientIp = attributedClientIp(peer, auth.trustedProxies, allowRealIpFallback)
    const limiterKey = (scope: string): LimiterKey => ({ scope, ip: clientIp, browserOrigin })
    const presentedToken = params.auth?.token
    const presentedPassword = params.auth?.password
    const explicitDeviceToken = params.auth?.deviceToken
    const failureContext = {
      clientId: params.client.id,
      clientMode: params.client.mode,
      deviceSent: params.device !== undefined,
      tokenWithoutDeviceToken: presentedToken !== undefined && explicitDeviceToken === undefined
    }
    const lockedFor = yield* limiter.lockedFor(limiterKey("shared-secret"))
    if (lockedFor !== undefined) return yield* authFailure("rate_limited", { ...failureContext, retryAfterMs: lockedFor })
    // (6) shared credentials
    const shared: SharedAuthResult = auth.mode === "trusted-proxy"
      ? trustedProxyOrLocalPassword(auth, peer, socket.localAddresses, localDirect, presentedPassword)
      : checkSharedSecret(auth, { token: presentedToken, password: presentedPassword }, secretEquals)
    if (shared.ok) yield* limiter.reset(limiterKey("shared-secret"))

    // (8) device proof
    const device = params.device
    let deviceId: string | undefined
    // Pairing records pin the key as b64url of the raw bytes, whichever form (PEM or b64url) was sent.
    let publicKey = ""
    if (device !== undefined) {
      const now = yield* Clock.currentTimeMillis
      const claims = checkDeviceClaims({
        device,
        challengeNonce: socket.nonce,
        now,
        inputs: {
          clientId: params.client.id,
          clientMode: params.client.mode,
          role,
          scopes: params.scopes ?? [],
          token: params.auth?.token ?? params.auth?.deviceToken ?? params.auth?.bootstrapToken ?? "",
          platform: params.client.platform,
          deviceFamily: params.client.deviceFamily
        },
        crypto: nodeDeviceCrypto
      })
      if ("_tag" in claims) return yield* claims
      if (!(yield* verifyOffLoop(claims.raw, claims.payloads, device.signature))) return yield* signatureInvalid()
      deviceId = device.id.trim().toLowerCase()
      publicKey = b64url(claims.raw)
    }

    // (9) device-token fallback
    let authMethod: string | undefined = shared.ok ? shared.method : undefined
    let failureReason = shared.ok ? undefined : shared.reason
    if (!shared.ok && deviceId !== undefined) {
      const candidate = explicitDeviceToken ?? presentedToken
      // Wrong device tokens lock out like wrong shared secrets (their own limiter scope, the same lockout error).
      const deviceTokenLocked = candidate === undefined ? undefined : yield* limiter.lockedFor(limiterKey("device-token"))
      if (deviceTokenLocked !== undefined) return yield* authFailure("rate_limited", { ...failureContext, retryAfterMs: deviceTokenLocked })
      if (candidate !== undefined) {
        const check = yield* registry.verifyToken(deviceId, role, candidate, params.scopes ?? []).pipe(Effect.orDie)
        if (check._tag === "Valid") {
          authMethod = "device-token"
          failureReason = undefined
          yield* limiter.reset(limiterKey("device-token"))
          if (presentedToken !== undefined) yield* limiter.reset(limiterKey("shared-secret"))
        } else if (check._tag === "ScopeMismatch") failureReason = "scope_mismatch"
        else if (explicitDeviceToken !== undefined) failureReason = "device_token_mismatch"
      }
    }
    // (10) still unauthenticated
    if (authMethod === undefined) {
      const reason = failureReason ?? "none"
      // Only wrong credentials count towards the lockout, not missing ones.
      if (reason.endsWith("_mismatch") || reason === "trusted_proxy_user_not_allowed") {
        yield* limiter.recordFailure(limiterKey(reason === "device_token_mismatch" ? "device-token" : "shared-secret"))
      }
      return yield* authFailure(reason, failureContext)
    }

    // A trusted proxy may narrow what this session may do (`x-openclaw-scopes`); the device token keeps its grant.
    // A verified proxy identity adds its configured session-only grant (operators only), then the cap applies.
    const sessionScopes = (granted: ReadonlyArray<string>) => {
      if (authMethod !== "trusted-proxy") return granted
      const grant = role === "operator" && shared.ok ? identityGrant(auth.identityScopes, shared.user) : []
      return capScopesByHeader([...new Set([...granted, ...grant])], peer.headers["x-openclaw-scopes"])
    }

    // (7) device-less policy
    // The client's address, not the socket's: behind a trusted proxy on this host the socket is loopback
    // while the client may be anywhere (it would otherwise be paired silently with the shared secret).
    const sharedOverLoopback = isLoopbackAddress(clientIp) && authMethod !== "device-token"
    if (deviceId === undefined) {
      const backendHelper = params.client.id === "gateway-client" && params.client.mode === "backend" && localDirect
      if (role !== "operator" && !backendHelper) {
        return yield* new DeviceIdentityRequired({ code: "DEVICE_IDENTITY_REQUIRED", message: "device identity required" })
      }
      if (browserClient && authMethod !== "trusted-proxy" && !localDirect) {
        return yield* new DeviceIdentityRequired({
          code: "CONTROL_UI_DEVICE_IDENTITY_REQUIRED",
          message: "control ui requires device identity (use HTTPS or localhost secure context)"
        })
      }
      // Self-declared scopes are cleared unless a named exception applies.
      const keepScopes = backendHelper || (params.client.id === "cli" && params.client.mode === "cli" && localDirect && authMethod !== "none")
      return { params, role, scopes: sessionScopes(keepScopes ? params.scopes ?? [] : []), deviceId: undefined, authMethod, deviceToken: undefined } satisfies AcceptedConnect
    }

    // (12) pairing
    const scopes = params.scopes ?? []
    const paired = Option.getOrUndefined(yield* registry.get(deviceId).pipe(Effect.orDie))
    const decision = authMethod === "device-token" ? undefined : decidePairing(paired, {
      publicKey,
      role,
      scopes,
      platform: params.client.platform,
      deviceFamily: params.client.deviceFamily
    })
    if (decision !== undefined) {
      const ask: PairingAsk = {
        deviceId,
        publicKey,
        role,
        scopes,
        reason: decision.reason,
        isRepair: decision.isRepair,
        remoteIp: clientIp,
        ...(params.client.displayName === undefined ? {} : { displayName: params.client.displayName }),
        platform: params.client.platform,
        ...(params.client.deviceFamily === undefined ? {} : { deviceFamily: params.client.deviceFamily }),
        clientId: params.client.id,
        clientMode: params.client.mode
      }
      const local = localDirect || sharedOverLoopback
      // Browser origins auto-pair only as Control UI/webchat; a paired node is never silently widened.
      const originOk = peer.origin === undefined || browserClient
      const nonOperatorPaired = paired !== undefined && !paired.roles.includes("operator")
      // Local scope upgrades are silent too (observed on the original 2026.9.6); remote ones wait for approval.
      const reasonOk = decision.reason === "not-paired" || decision.reason === "role-upgrade" || decision.reason === "scope-upgrade" ||
        (decision.reason === "metadata-upgrade" && !browserClient)
      const autoApprove = local && originOk && reasonOk && !nonOperatorPaired && autoApproveLocalEnabled(settings.config)
      if (autoApprove) {
        yield* registry.approveDirect(ask).pipe(Effect.orDie)
      } else {
        const request = yield* registry.request(ask).pipe(Effect.orDie)
        return yield* new PairingRequired({
          message: pairingMessage(decision.reason, decision.isRepair),
          reason: decision.reason,
          requestId: request.requestId,
          deviceId,
          requestedRole: role,
          requestedScopes: scopes,
          remediationHint: pairingHint(request.requestId),
          ...(paired === undefined ? {} : { approvedRoles: paired.roles, approvedScopes: paired.approvedScopes })
        })
      }
    }
    // (13) device token
    const issued = yield* registry.issueToken(deviceId, role, scopes).pipe(Effect.orDie)
    return {
      params,
      role,
      scopes: sessionScopes(scopes),
      deviceId,
      authMethod,
      deviceToken: { token: issued.token, issuedAtMs: issued.issuedAtMs }
    } satisfies AcceptedConnect
  })
