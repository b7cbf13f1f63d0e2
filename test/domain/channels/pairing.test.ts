import { describe, expect, it } from "@effect/vitest"
import { chunkText } from "../../../src/domain/channels/chunk.js"
import { codeFromBytes, emptyPairingFile, PAIRING_ALPHABET, PAIRING_TTL_MS, pairingReplyHtml, takePairing, upsertPairing } from "../../../src/domain/channels/pairing.js"

const t0 = Date.parse("2026-12-06T10:00:00Z")

describe("pairing codes", () => {
  it("8 characters from the alphabet without 0O1I", () => {
    const code = codeFromBytes(Uint8Array.from([0, 1, 31, 32, 255, 100, 7, 8]))
    expect(code).toHaveLength(8)
    expect([...code].every((c) => PAIRING_ALPHABET.includes(c))).toBe(true)
    expect(PAIRING_ALPHABET).not.toMatch(/[01OI]/)
  })

  it("a request lives one hour; a repeat refreshes lastSeenAt without a new code; 3 pending at most per account", () => {
    let n = 0
    const newCode = () => `CODE000${++n}`
    const first = upsertPairing({ file: emptyPairingFile, accountId: "default", senderId: "1", meta: {}, nowMs: t0, newCode })
    expect(first._tag).toBe("Created")
    const again = upsertPairing({ file: first.file, accountId: "default", senderId: "1", meta: {}, nowMs: t0 + 1000, newCode })
    expect(again).toMatchObject({ _tag: "Pending", request: { code: "CODE0001", lastSeenAt: new Date(t0 + 1000).toISOString() } })
    let file = again.file
    for (const id of ["2", "3"]) file = upsertPairing({ file, accountId: "default", senderId: id, meta: {}, nowMs: t0, newCode }).file
    expect(upsertPairing({ file, accountId: "default", senderId: "4", meta: {}, nowMs: t0, newCode })._tag).toBe("Full")
    // Another account has its own three.
    expect(upsertPairing({ file, accountId: "work", senderId: "4", meta: {}, nowMs: t0, newCode })._tag).toBe("Created")
    // After the hour every request is gone, so a new one is created.
    expect(upsertPairing({ file, accountId: "default", senderId: "4", meta: {}, nowMs: t0 + PAIRING_TTL_MS, newCode })).toMatchObject({ _tag: "Created", file: { requests: [{ id: "4" }] } })
  })

  it("approving takes the code (any case) once, and not after it expired", () => {
    const created = upsertPairing({ file: emptyPairingFile, accountId: "default", senderId: "1", meta: {}, nowMs: t0, newCode: () => "ABCDEFGH" })
    const taken = takePairing(created.file, "abcdefgh", undefined, t0 + 10)
    expect(taken?.request.id).toBe("1")
    expect(taken?.file.requests).toEqual([])
    expect(takePairing(created.file, "ABCDEFGH", "work", t0)).toBeUndefined()
    expect(takePairing(created.file, "ABCDEFGH", undefined, t0 + PAIRING_TTL_MS)).toBeUndefined()
  })

  it("the Telegram reply escapes the id line and puts the code and the command in code blocks", () => {
    expect(pairingReplyHtml("telegram", "Your Telegram user id: <1>", "ABCDEFGH")).toBe(
      "OpenClaw: access not configured.\n\nYour Telegram user id: &lt;1&gt;\n\nPairing code: <code>ABCDEFGH</code>\n\nAsk the bot owner to approve with:\n<code>openclaw pairing approve telegram ABCDEFGH</code>"
    )
  })
})

describe("outbound chunking", () => {
  it("keeps text under the limit whole, cuts at paragraph, line or word breaks, never inside a surrogate pair", () => {
    expect(chunkText("short", 4096)).toEqual(["short"])
    expect(chunkText("", 4096)).toEqual([])
    const long = `${"a".repeat(3000)}\n\n${"b".repeat(3000)}`
    expect(chunkText(long, 4096)).toEqual(["a".repeat(3000), "b".repeat(3000)])
    const words = Array.from({ length: 2000 }, (_, i) => `w${i}`).join(" ")
    const pieces = chunkText(words, 4096)
    expect(pieces.every((p) => p.length <= 4096)).toBe(true)
    expect(pieces.join(" ")).toBe(words)
    const emoji = "😀".repeat(3000)
    const cut = chunkText(emoji, 4095)
    expect(cut.every((p) => p.length <= 4095 && !/[\ud800-\udbff]$/.test(p))).toBe(true)
    expect(cut.join("")).toBe(emoji)
  })
})
