import { describe, expect, it } from "@effect/vitest"
import { clientSocketsTo, formatConnection, parseProcNetTcp } from "../../src/domain/net/procNetTcp.js"

const HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode"
const row = (sl: number, local: string, remote: string, state: string, inode: string) =>
  `   ${sl}: ${local} ${remote} ${state} 00000000:00000000 00:00000000 00000000  1000        0 ${inode} 1 0000000000000000 20 4 30 10 -1`

describe("/proc/net/tcp parsing", () => {
  it("decodes little-endian IPv4, IPv4-mapped and plain IPv6 endpoints", () => {
    const rows = parseProcNetTcp([
      HEADER,
      row(0, "0100007F:4A25", "00000000:0000", "0A", "100"),
      row(1, "0100007F:D431", "0100007F:4A25", "01", "101"),
      row(2, "0000000000000000FFFF00000100007F:C350", "0000000000000000FFFF00000100007F:4A25", "01", "102"),
      row(3, "00000000000000000000000001000000:C351", "00000000000000000000000001000000:4A25", "01", "103"),
      "garbage"
    ].join("\n"))
    expect(rows.map((r) => `${r.localAddress}:${r.localPort}->${r.remoteAddress}:${r.remotePort} ${r.state}`)).toEqual([
      "127.0.0.1:18981->0.0.0.0:0 0A",
      "127.0.0.1:54321->127.0.0.1:18981 01",
      "127.0.0.1:50000->127.0.0.1:18981 01",
      "::1:50001->::1:18981 01"
    ])
  })

  it("keeps only established client sockets whose far end is the port", () => {
    const rows = parseProcNetTcp([
      HEADER,
      row(0, "0100007F:4A25", "00000000:0000", "0A", "100"), // the listener
      row(1, "0100007F:4A25", "0100007F:D431", "01", "200"), // the server side of a connection
      row(2, "0100007F:D431", "0100007F:4A25", "01", "201"), // the client side
      row(3, "0100007F:D432", "0100007F:4A25", "06", "0") // TIME_WAIT, no owner
    ].join("\n"))
    expect(clientSocketsTo(rows, 18981).map((r) => r.inode)).toEqual(["201"])
  })

  it("formats a connection like the original", () => {
    expect(formatConnection({ pid: 42, direction: "client", address: "127.0.0.1:54321->127.0.0.1:18789", commandLine: "node openclaw logs --follow" }))
      .toBe("pid=42 client 127.0.0.1:54321->127.0.0.1:18789 cmd=node openclaw logs --follow")
    expect(formatConnection({ pid: undefined, direction: "client", address: "a->b", commandLine: undefined })).toBe("pid=? client a->b")
  })
})
