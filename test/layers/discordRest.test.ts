import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { makeDiscordRest } from "../../src/layers/channels/discord/rest.js"
import { sendJson, startFake } from "../support/fakeHttp.js"

const TOKEN = "discord.rest.secret"
const Msg = Schema.Struct({ id: Schema.String })

describe("Discord REST: rate-limit buckets and retry-after are honoured", () => {
  it.live("an empty bucket waits for its reset; a 429 waits retry_after once; a 429 streak fails instead of looping", () =>
    Effect.gen(function*() {
      const arrivals: Array<{ path: string; at: number }> = []
      let mode: "bucket" | "limited" | "always429" = "bucket"
      let count = 0
      const fake = yield* Effect.promise(() =>
        startFake((request, res) => {
          arrivals.push({ path: request.url, at: performance.now() })
          count++
          if (mode === "always429" || (mode === "limited" && count === 1)) {
            return sendJson(res, 429, { message: "You are being rate limited.", retry_after: 0.25, global: false }, { "x-ratelimit-bucket": "b1" })
          }
          // The bucket has one request left per 400 ms window: the second call of a window must wait.
          const remaining = count % 2 === 1 ? "1" : "0"
          return sendJson(res, 200, { id: String(count) }, { "x-ratelimit-bucket": "b1", "x-ratelimit-remaining": remaining, "x-ratelimit-reset-after": "0.4" })
        }))
      const rest = makeDiscordRest({ apiBase: fake.baseUrl, token: TOKEN })
      const send = rest.call("POST", "/channels/:id/messages", "/channels/1/messages", { content: "x" }, Msg)

      // remaining=1 then remaining=0: the third call waits out the 0.4 s reset.
      yield* send
      yield* send
      const t2 = arrivals[1]!.at
      yield* send
      expect(arrivals[2]!.at - t2).toBeGreaterThanOrEqual(350)

      mode = "limited"
      count = 0
      arrivals.length = 0
      const sent = yield* send
      expect(sent.id).toBe("2")
      expect(arrivals).toHaveLength(2)
      expect(arrivals[1]!.at - arrivals[0]!.at).toBeGreaterThanOrEqual(230)

      mode = "always429"
      arrivals.length = 0
      const failed = yield* Effect.flip(send)
      expect(failed).toEqual({ message: "POST /channels/:id/messages returned 429: rate limited (retry_after=0.25s)", status: 429 })
      expect(arrivals).toHaveLength(4)
      expect(fake.requests[0]?.headers.authorization).toBe(`Bot ${TOKEN}`)
      yield* Effect.promise(() => fake.close())
    }), 20_000)
})
