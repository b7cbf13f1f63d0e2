import { describe, expect, it } from "@effect/vitest"
import { createRequire } from "node:module"
import { textFrame } from "../../src/layers/gateway/outbox.js"

// The parser `ws` clients use; its typings do not declare it.
interface FrameReceiver {
  on(event: "message", listener: (data: Buffer, binary: boolean) => void): void
  on(event: "error", listener: (error: Error) => void): void
  write(chunk: Buffer, done: () => void): void
}
const { Receiver } = createRequire(import.meta.url)("ws") as { Receiver: new (options: { isServer: boolean; maxPayload: number }) => FrameReceiver }

/** What a WebSocket client's parser makes of the bytes: the messages, in order, and whether they were text. */
const parse = (bytes: Buffer): Promise<Array<{ readonly text: string; readonly binary: boolean }>> =>
  new Promise((resolve, reject) => {
    const messages: Array<{ readonly text: string; readonly binary: boolean }> = []
    // A client's receiver: frames from a server are unmasked.
    const receiver = new Receiver({ isServer: false, maxPayload: 0 })
    receiver.on("message", (data: Buffer, binary: boolean) => messages.push({ text: data.toString("utf8"), binary }))
    receiver.on("error", reject)
    receiver.write(bytes, () => resolve(messages))
  })

describe("textFrame (replies written to the socket as one buffer)", () => {
  // Each length form of RFC 6455 5.2 at its edges: 7-bit, 16-bit and 64-bit payload lengths.
  it.each([0, 1, 125, 126, 127, 65_535, 65_536, 200_000])("a %i-byte text is one text message a client reads back whole", async (size) => {
    const text = "x".repeat(size)
    expect(await parse(textFrame(text))).toEqual([{ text, binary: false }])
  })

  it("measures the payload in UTF-8 bytes, not characters", async () => {
    // 42 characters but 126 bytes: the 16-bit length form, which a character count would miss.
    const text = "⇄".repeat(42)
    expect(Buffer.byteLength(text)).toBe(126)
    const frame = textFrame(text)
    expect(frame[1]).toBe(126)
    expect(await parse(frame)).toEqual([{ text, binary: false }])
  })

  it("frames written back to back stay apart", async () => {
    const replies = ['{"type":"res","id":"1","ok":true}', "✓".repeat(300), '{"type":"res","id":"3","ok":true}']
    expect(await parse(Buffer.concat(replies.map(textFrame)))).toEqual(replies.map((text) => ({ text, binary: false })))
  })
})
