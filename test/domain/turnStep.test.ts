import { describe, expect, it } from "@effect/vitest"
import { INCOMPLETE_TURN_REPLY, INCOMPLETE_TURN_REPLY_SIDE_EFFECTS } from "../../src/domain/agent/turnRules.js"
import { initialTurnState, type TurnFacts, type TurnState, turnStep } from "../../src/domain/agent/turnStep.js"
import type { Api } from "../../src/domain/models/catalogue.js"
import type { AssistantBlock, StopReason } from "../../src/domain/models/messages.js"
import type { FallbackInfo, ModelResponse } from "../../src/domain/models/response.js"

const facts = (api: Api = "openai-completions", maxToolRounds = 3): TurnFacts => ({
  runId: "r1",
  sessionId: "s1",
  plan: { selected: { provider: "fake", model: "m1", api }, fallbacks: [{ provider: "fake", model: "m2", api: "openai-responses" }] },
  maxToolRounds
})

const usage = (output: number) => ({ input: 10, output, cacheRead: 0, cacheWrite: 0, total: 10 + output })

const response = (content: ReadonlyArray<AssistantBlock>, stopReason: StopReason = "stop", extra: Partial<ModelResponse> = {}): ModelResponse => ({
  provider: "fake",
  model: "m1",
  output: { content, stopReason, usage: usage(content.length === 0 ? 0 : 5) },
  request: { method: "POST", url: "http://model", headers: {}, body: {} },
  attempts: [],
  ...extra
})

const answered = (r: ModelResponse) => ({ _tag: "ModelAnswered", response: r }) as const
const toolCall = (id: string) => ({ type: "toolCall", id, name: "t", arguments: {} }) as const

describe("turnStep: one decision of the agent turn loop", () => {
  it("a visible answer finishes with it; usage adds up", () => {
    const { state, action } = turnStep(facts(), initialTurnState, answered(response([{ type: "text", text: "hello" }])))
    expect(action).toEqual({ _tag: "Finish", payloads: ["hello"], text: "hello" })
    expect(state.usage).toEqual(usage(5))
  })

  it("a silent NO_REPLY finishes with no payload", () => {
    const { action } = turnStep(facts(), initialTurnState, answered(response([{ type: "text", text: "NO_REPLY" }])))
    expect(action).toEqual({ _tag: "Finish", payloads: [], text: "" })
  })

  it("tool calls are run, then the model is called again without the continuation", () => {
    const first = turnStep(facts(), initialTurnState, answered(response([toolCall("a"), toolCall("b")], "toolUse")))
    expect(first.action).toEqual({ _tag: "RunTools", calls: [toolCall("a"), toolCall("b")] })
    expect(first.state.rounds).toBe(1)
    const second = turnStep(facts(), first.state, { _tag: "ToolsRan", mutating: [false, false] })
    expect(second.action).toEqual({ _tag: "CallModel", continuation: false, warning: undefined })
    expect(second.state).toMatchObject({ toolsRun: 2, replaySafe: true })
  })

  it("gives up at the tool-round limit, after the last round's tools ran", () => {
    let state: TurnState = initialTurnState
    for (let round = 1; round <= 2; round++) {
      state = turnStep(facts("openai-completions", 2), state, answered(response([toolCall(`c${round}`)], "toolUse"))).state
      const after = turnStep(facts("openai-completions", 2), state, { _tag: "ToolsRan", mutating: [false] })
      state = after.state
      if (round === 1) expect(after.action._tag).toBe("CallModel")
      else {
        expect(after.action).toEqual({
          _tag: "GiveUp",
          warning: "tool loop limit reached: runId=r1 sessionId=s1 rounds=2",
          reply: "⚠️ Agent stopped after 2 tool rounds without a final answer. Please try again.",
          errorMessage: "tool loop limit",
          recordFailure: false
        })
      }
    }
  })

  it("an empty replay-safe turn is retried once with the continuation, then gives up", () => {
    const first = turnStep(facts(), initialTurnState, answered(response([])))
    expect(first.action).toEqual({
      _tag: "CallModel",
      continuation: true,
      warning: "empty response detected: runId=r1 sessionId=s1 provider=fake/m1 — retrying 1/1 with visible-answer continuation"
    })
    expect(first.state.emptyRetries).toBe(1)
    const second = turnStep(facts(), first.state, answered(response([])))
    expect(second.action).toMatchObject({ _tag: "GiveUp", reply: INCOMPLETE_TURN_REPLY, errorMessage: "incomplete turn", recordFailure: true })
    expect(second.action._tag === "GiveUp" && second.action.warning).toBe(
      "incomplete turn detected: runId=r1 sessionId=s1 provider=fake/m1 stopReason=stop hasLastAssistant=no hasCurrentAttemptAssistant=no payloads=0 tools=0 replaySafe=yes compactions=0 reasoningRetries=0/2 emptyRetries=1/1 missingAssistantRetries=0/1 — surfacing error to user"
    )
  })

  it("a reasoning-only turn is retried twice", () => {
    const thinking = response([{ type: "thinking", thinking: "hmm" }])
    const one = turnStep(facts(), initialTurnState, answered(thinking))
    const two = turnStep(facts(), one.state, answered(thinking))
    const three = turnStep(facts(), two.state, answered(thinking))
    expect([one.action._tag, two.action._tag, three.action._tag]).toEqual(["CallModel", "CallModel", "GiveUp"])
    expect(two.action._tag === "CallModel" && two.action.warning).toContain("retrying 2/2")
    expect(three.state.reasoningRetries).toBe(2)
  })

  it("after a mutating tool an empty turn is not retried and the reply warns of side effects", () => {
    const tools = turnStep(facts(), initialTurnState, answered(response([toolCall("a")], "toolUse")))
    const ran = turnStep(facts(), tools.state, { _tag: "ToolsRan", mutating: [true] })
    expect(ran.state.replaySafe).toBe(false)
    const { action } = turnStep(facts(), ran.state, answered(response([])))
    expect(action).toMatchObject({ _tag: "GiveUp", reply: INCOMPLETE_TURN_REPLY_SIDE_EFFECTS })
    expect(action._tag === "GiveUp" && action.warning).toContain("hasLastAssistant=yes hasCurrentAttemptAssistant=no payloads=0 tools=1 replaySafe=no")
  })

  it("an empty turn of an API outside the retry list is retried only for zero output on stop", () => {
    const zero = turnStep(facts("openai-responses"), initialTurnState, answered(response([], "stop")))
    expect(zero.action._tag).toBe("CallModel")
    const length = turnStep(facts("openai-responses"), initialTurnState, answered(response([], "length")))
    expect(length.action._tag).toBe("GiveUp")
  })

  it("a provider error with no content is never retried; the raw stop reason is logged", () => {
    const { action } = turnStep(facts(), initialTurnState, answered(response([], "error", { output: { content: [], stopReason: "error", rawStopReason: "content_filter", usage: usage(0) } })))
    expect(action._tag === "GiveUp" && action.warning).toContain("stopReason=content_filter")
  })

  it("the first fallback of the turn is kept", () => {
    const fallback = (active: string): FallbackInfo => ({ selected: "fake/m1", active, reason: "overloaded", notice: `now ${active}` })
    const one = turnStep(facts(), initialTurnState, answered(response([toolCall("a")], "toolUse", { fallback: fallback("fake/m2") })))
    expect(one.state.fallback?.active).toBe("fake/m2")
    const two = turnStep(facts(), one.state, answered(response([{ type: "text", text: "ok" }], "stop", { fallback: fallback("fake/m3") })))
    expect(two.state.fallback?.active).toBe("fake/m2")
  })
})
