/** What the protocol-mismatch log line names; the client fields come from connect params that decoded. */
export interface MismatchFacts {
  readonly connId: string
  readonly remoteAddr: string | undefined
  readonly remotePort: number | undefined
  readonly client: {
    readonly id: string
    readonly displayName?: string | undefined
    readonly mode: string
    readonly version: string
    readonly instanceId?: string | undefined
  }
  readonly minProtocol: number
  readonly maxProtocol: number
}

// Log values are single tokens: whitespace and control characters would split the line.
const token = (value: string) => value.replace(/[\s\u0000-\u001f\u007f]+/g, "_").slice(0, 200)

/**
 * The gateway's warning for a client outside the protocol window, in the original's shape, so the
 * runbook's `protocol mismatch ... client=... v<version> min=<n> max=<n> expected=<n>` grep finds it.
 */
export const protocolMismatchLine = (facts: MismatchFacts, expected: number, probeMin: number): string => {
  const { client } = facts
  const remote = facts.remoteAddr === undefined || facts.remoteAddr === "" ? "?" : facts.remoteAddr
  return [
    `protocol mismatch conn=${facts.connId}`,
    `peer=${token(remote === "?" ? "n/a" : remote)}`,
    `remote=${remote}`,
    `remotePort=${facts.remotePort ?? "?"}`,
    `client=${token(client.displayName ?? client.id)} ${token(client.mode)} v${token(client.version)}`,
    `min=${facts.minProtocol} max=${facts.maxProtocol} expected=${expected} probeMin=${probeMin}`,
    `instance=${token(client.instanceId ?? "n/a")}`
  ].join(" ")
}
