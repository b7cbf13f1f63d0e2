import type { ModelInput } from "./messages.js"

/** What the context guard says about a prompt for a model's window. */
export type ContextVerdict =
  | { readonly _tag: "Ok"; readonly remaining: number }
  | { readonly _tag: "Warn"; readonly remaining: number; readonly threshold: number }
  | { readonly _tag: "Block"; readonly remaining: number; readonly threshold: number }

/**
 * Spec 1.1: warn when the room left is below 20% of the window (at least 8k tokens), block below
 * 10% (at least 4k).
 */
export const guardContextWindow = (contextWindow: number, promptTokens: number): ContextVerdict => {
  const remaining = contextWindow - promptTokens
  const block = Math.max(contextWindow * 0.1, 4_000)
  const warn = Math.max(contextWindow * 0.2, 8_000)
  if (remaining < block) return { _tag: "Block", remaining, threshold: block }
  if (remaining < warn) return { _tag: "Warn", remaining, threshold: warn }
  return { _tag: "Ok", remaining }
}

// Images cost roughly a fixed number of tokens whatever their byte size.
const IMAGE_TOKENS = 1_200

/** A cheap token estimate (4 characters a token) of everything a request carries. */
export const estimatePromptTokens = (input: ModelInput): number => {
  let chars = input.system?.length ?? 0
  let images = 0
  const blocks = (content: ReadonlyArray<{ readonly type: string }>) => {
    for (const block of content) {
      if (block.type === "image") images++
      else chars += JSON.stringify(block).length
    }
  }
  for (const message of input.messages) {
    if (message.role === "user" && typeof message.content === "string") chars += message.content.length
    else blocks(typeof message.content === "string" ? [] : message.content)
  }
  for (const tool of input.tools ?? []) chars += JSON.stringify(tool).length
  return Math.ceil(chars / 4) + images * IMAGE_TOKENS
}
