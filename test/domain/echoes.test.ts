import { describe, expect, it } from "@effect/vitest"
import { redactText } from "../../src/domain/logFile.js"
import { truncateEcho } from "../../src/domain/text/truncateEcho.js"

describe("truncateEcho", () => {
  it("keeps short text and cuts long text to the limit with a marker saying how much was cut", () => {
    expect(truncateEcho("short")).toBe("short")
    expect(truncateEcho("x".repeat(256))).toBe("x".repeat(256))
    expect(truncateEcho("x".repeat(5000))).toBe(`${"x".repeat(256)}…[4744 more bytes cut]`)
    expect(truncateEcho("abcdef", 4)).toBe("abcd…[2 more bytes cut]")
  })

  it("never cuts inside a character (limits are UTF-8 bytes)", () => {
    const cut = truncateEcho("é".repeat(200), 5)
    expect(cut).toBe("éé…[396 more bytes cut]")
    expect(truncateEcho("😀😀😀", 7)).toBe("😀…[8 more bytes cut]")
  })
})

describe("the log redactor catches token-shaped values in validation messages", () => {
  const token = "Vq3xkP0d9sL2mN8bT4rY7wZ1cF6hJ5gA0eQ-_u2Ri9o"

  it("the value quoted after `actual` is replaced, whatever its form", () => {
    expect(redactText(`invalid connect params: auth: Expected { readonly token?: string }, actual "${token}"`))
      .toBe("invalid connect params: auth: Expected { readonly token?: string }, actual ***")
    expect(redactText(`auth.token: Expected string, actual ["${token}"]`)).not.toContain(token)
    expect(redactText(`auth.token: Expected string, actual {"value":"${token}"}`)).not.toContain(token)
  })

  it("a quoted opaque string of token length is replaced; ordinary quoted words and ids with separators are kept", () => {
    expect(redactText(`client.id: got "${token}"`)).toBe('client.id: got "***"')
    expect(redactText(`got "${"ab12".repeat(12)}"`)).toBe('got "***"')
    expect(redactText('expected one of "cli", "gateway-client"; session "agent:main:main"')).toBe('expected one of "cli", "gateway-client"; session "agent:main:main"')
  })
})
