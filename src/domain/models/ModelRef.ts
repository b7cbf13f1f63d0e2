/** A model reference: the provider id and the provider-local (bare) model id. */
export interface ModelRef {
  readonly provider: string
  readonly model: string
}

/** `provider/model`, the one key form used in config, logs and output. */
export const modelKey = (ref: ModelRef): string => `${ref.provider}/${ref.model}`

/**
 * Splits on the first `/` only, so a bare id that itself contains `/` survives
 * (`mlx/mlx-community/Qwen3-30B-A3B-6bit` -> `mlx` + `mlx-community/Qwen3-30B-A3B-6bit`).
 * The provider is lowercased; the model id is the server's and keeps its case.
 */
export const parseModelRef = (input: string): ModelRef | undefined => {
  const trimmed = input.trim()
  const slash = trimmed.indexOf("/")
  if (slash <= 0 || slash === trimmed.length - 1) return undefined
  return { provider: trimmed.slice(0, slash).trim().toLowerCase(), model: trimmed.slice(slash + 1).trim() }
}

/** Provider ids compare case-insensitively; model ids exactly. */
export const sameRef = (a: ModelRef, b: ModelRef) => a.provider === b.provider && a.model === b.model
