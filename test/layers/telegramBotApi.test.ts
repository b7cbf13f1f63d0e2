import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { callBotApi } from "../../src/layers/channels/telegram/botApi.js"
import { freePort } from "../support/gatewayProcess.js"
import { sendJson, startFake } from "../support/fakeHttp.js"

const TOKEN = "123:secret-token"

describe("Bot API calls: errors reach status verbatim, the token never does", () => {
  it.live("403 Forbidden, 429 with retry_after, and a refused connection", () =>
    Effect.gen(function*() {
      const fake = yield* Effect.promise(() =>
        startFake((request, res) => {
          if (request.url.endsWith("/sendMessage")) return sendJson(res, 403, { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" })
          return sendJson(res, 429, { ok: false, error_code: 429, description: "Too Many Requests: retry after 3", parameters: { retry_after: 3 } })
        }))
      const call = (method: string, apiRoot = fake.baseUrl) => Effect.flip(callBotApi({ apiRoot, token: TOKEN, method, body: {}, result: Schema.Unknown }))
      expect(yield* call("sendMessage")).toEqual({ message: "sendMessage returned 403: Forbidden: bot was blocked by the user", status: 403, retryAfter: undefined, transient: false })
      expect(yield* call("getUpdates")).toMatchObject({ status: 429, retryAfter: 3, transient: true })
      expect(fake.requests[0]?.url).toBe(`/bot${TOKEN}/sendMessage`)
      yield* Effect.promise(() => fake.close())
      const refused = yield* call("getMe", `http://127.0.0.1:${yield* Effect.promise(freePort)}`)
      expect(refused.message).toMatch(/^fetch failed \| connect ECONNREFUSED 127\.0\.0\.1:\d+ \| ECONNREFUSED$/)
      expect(refused.message).not.toContain(TOKEN)
      expect(refused.transient).toBe(true)
    }))
})
