/**
 * The original's per-provider credential flags of `openclaw onboard` / `openclaw setup`, as its provider
 * manifests declare them (2026.9.6): the flag, the provider id the key is stored for, the `--auth-choice`
 * ids that select it, and the env vars the provider reads (the first is the one `--secret-input-mode ref`
 * points at). One row per flag; the CLI options and the store entries are both built from this table.
 */
export interface ProviderKeyFlag {
  /** Without the leading dashes, e.g. `anthropic-api-key`. */
  readonly flag: string
  readonly provider: string
  /** `--auth-choice` values that mean this flag's provider (the first is the canonical one). */
  readonly choices: ReadonlyArray<string>
  /** Env vars the provider reads its key from; `envVars[0]` is the SecretRef target in ref mode. */
  readonly envVars: ReadonlyArray<string>
  /** `api_key` profiles hold `key`/`keyRef`; `token` profiles hold `token`/`tokenRef`. */
  readonly type: "api_key" | "token"
  /** The auth-profile id written (the original's: `<provider>:default`, `openai:api-key`). */
  readonly profileId: string
  readonly description: string
}

const row = (
  flag: string,
  provider: string,
  choices: ReadonlyArray<string>,
  envVars: ReadonlyArray<string>,
  description: string,
  extra: { readonly type?: "api_key" | "token"; readonly profileId?: string } = {}
): ProviderKeyFlag => ({ flag, provider, choices, envVars, description, type: extra.type ?? "api_key", profileId: extra.profileId ?? `${provider}:default` })

export const PROVIDER_KEY_FLAGS: ReadonlyArray<ProviderKeyFlag> = [
  row("ai-gateway-api-key", "vercel-ai-gateway", ["ai-gateway-api-key"], ["AI_GATEWAY_API_KEY"], "Vercel AI Gateway API key"),
  row("alibaba-model-studio-api-key", "alibaba", ["alibaba-model-studio-api-key"], ["MODELSTUDIO_API_KEY", "DASHSCOPE_API_KEY", "QWEN_API_KEY"], "Alibaba Model Studio API key"),
  row("anthropic-api-key", "anthropic", ["apiKey", "anthropic-api-key"], ["ANTHROPIC_API_KEY"], "Anthropic API key"),
  row("arceeai-api-key", "arcee", ["arceeai-api-key"], ["ARCEEAI_API_KEY"], "Arcee AI API key"),
  row("baseten-api-key", "baseten", ["baseten-api-key"], ["BASETEN_API_KEY"], "Baseten API key"),
  row("byteplus-api-key", "byteplus", ["byteplus-api-key"], ["BYTEPLUS_API_KEY"], "BytePlus API key"),
  row("cerebras-api-key", "cerebras", ["cerebras-api-key"], ["CEREBRAS_API_KEY"], "Cerebras API key"),
  row("chutes-api-key", "chutes", ["chutes-api-key", "chutes"], ["CHUTES_API_KEY"], "Chutes API key"),
  row("clawrouter-api-key", "clawrouter", ["clawrouter-api-key"], ["CLAWROUTER_API_KEY"], "ClawRouter proxy key"),
  row("cloudflare-ai-gateway-api-key", "cloudflare-ai-gateway", ["cloudflare-ai-gateway-api-key"], ["CLOUDFLARE_AI_GATEWAY_API_KEY"], "Cloudflare AI Gateway API key (with --cloudflare-ai-gateway-account-id and --cloudflare-ai-gateway-gateway-id)"),
  row("cohere-api-key", "cohere", ["cohere-api-key"], ["COHERE_API_KEY"], "Cohere API key"),
  row("comfy-api-key", "comfy", ["comfy-cloud-api-key"], ["COMFY_API_KEY", "COMFY_CLOUD_API_KEY"], "Comfy Cloud API key"),
  row("deepinfra-api-key", "deepinfra", ["deepinfra-api-key"], ["DEEPINFRA_API_KEY"], "DeepInfra API key"),
  row("deepseek-api-key", "deepseek", ["deepseek-api-key"], ["DEEPSEEK_API_KEY"], "DeepSeek API key"),
  row("fal-api-key", "fal", ["fal-api-key"], ["FAL_KEY", "FAL_API_KEY"], "fal API key"),
  row("featherless-api-key", "featherless", ["featherless-api-key"], ["FEATHERLESS_API_KEY"], "Featherless AI API key"),
  row("fireworks-api-key", "fireworks", ["fireworks-api-key"], ["FIREWORKS_API_KEY"], "Fireworks API key"),
  row("gemini-api-key", "google", ["gemini-api-key"], ["GEMINI_API_KEY", "GOOGLE_API_KEY"], "Gemini API key"),
  row("github-copilot-token", "github-copilot", ["github-copilot"], ["COPILOT_GITHUB_TOKEN"], "GitHub Copilot OAuth token", { type: "token" }),
  row("gmi-api-key", "gmi", ["gmi-api-key"], ["GMI_API_KEY"], "GMI Cloud API key"),
  row("groq-api-key", "groq", ["groq-api-key"], ["GROQ_API_KEY"], "Groq API key"),
  row("huggingface-api-key", "huggingface", ["huggingface-api-key"], ["HUGGINGFACE_HUB_TOKEN", "HF_TOKEN"], "Hugging Face API key (HF token)"),
  row("kilocode-api-key", "kilocode", ["kilocode-api-key"], ["KILOCODE_API_KEY"], "Kilo Gateway API key"),
  row("kimi-code-api-key", "kimi", ["kimi-code-api-key"], ["KIMI_API_KEY", "KIMICODE_API_KEY"], "Kimi Code API key (subscription)"),
  row("litellm-api-key", "litellm", ["litellm-api-key"], ["LITELLM_API_KEY"], "LiteLLM API key"),
  row("lmstudio-api-key", "lmstudio", ["lmstudio"], ["LM_API_TOKEN"], "LM Studio API key"),
  row("longcat-api-key", "longcat", ["longcat-api-key"], ["LONGCAT_API_KEY"], "LongCat API key"),
  row("meta-api-key", "meta", ["meta-api-key"], ["MODEL_API_KEY"], "Meta API key"),
  row("minimax-api-key", "minimax", ["minimax-global-api", "minimax-cn-api"], ["MINIMAX_API_KEY"], "MiniMax API key"),
  row("mistral-api-key", "mistral", ["mistral-api-key"], ["MISTRAL_API_KEY"], "Mistral API key"),
  row("modelstudio-api-key", "qwen", ["qwen-api-key"], ["QWEN_API_KEY", "MODELSTUDIO_API_KEY", "DASHSCOPE_API_KEY"], "Qwen Cloud Coding Plan API key (Global/Intl)"),
  row("modelstudio-api-key-cn", "qwen", ["qwen-api-key-cn"], ["QWEN_API_KEY", "MODELSTUDIO_API_KEY", "DASHSCOPE_API_KEY"], "Qwen Cloud Coding Plan API key (China)"),
  row("modelstudio-standard-api-key", "qwen", ["qwen-standard-api-key"], ["QWEN_API_KEY", "MODELSTUDIO_API_KEY", "DASHSCOPE_API_KEY"], "Qwen Cloud standard API key (Global/Intl)"),
  row("modelstudio-standard-api-key-cn", "qwen", ["qwen-standard-api-key-cn"], ["QWEN_API_KEY", "MODELSTUDIO_API_KEY", "DASHSCOPE_API_KEY"], "Qwen Cloud standard API key (China)"),
  row("moonshot-api-key", "moonshot", ["moonshot-api-key", "moonshot-api-key-cn"], ["MOONSHOT_API_KEY", "KIMI_API_KEY"], "Moonshot API key"),
  row("novita-api-key", "novita", ["novita-api-key"], ["NOVITA_API_KEY"], "NovitaAI API key"),
  row("nvidia-api-key", "nvidia", ["nvidia-api-key"], ["NVIDIA_API_KEY"], "NVIDIA API key"),
  row("ollama-cloud-api-key", "ollama-cloud", ["ollama-cloud"], ["OLLAMA_API_KEY"], "Ollama Cloud API key"),
  row("openai-api-key", "openai", ["openai-api-key"], ["OPENAI_API_KEY"], "OpenAI API Key", { profileId: "openai:api-key" }),
  row("opencode-go-api-key", "opencode-go", ["opencode-go"], ["OPENCODE_API_KEY", "OPENCODE_ZEN_API_KEY"], "OpenCode API key (Go catalog)"),
  row("opencode-zen-api-key", "opencode", ["opencode-zen"], ["OPENCODE_API_KEY", "OPENCODE_ZEN_API_KEY"], "OpenCode API key (Zen catalog)"),
  row("openrouter-api-key", "openrouter", ["openrouter-api-key"], ["OPENROUTER_API_KEY"], "OpenRouter API key"),
  row("pixverse-api-key", "pixverse", ["pixverse-api-key"], ["PIXVERSE_API_KEY"], "PixVerse API key"),
  row("qianfan-api-key", "qianfan", ["qianfan-api-key"], ["QIANFAN_API_KEY"], "QIANFAN API key"),
  row("qwen-token-plan-api-key", "qwen-token-plan", ["qwen-token-plan"], ["QWEN_TOKEN_PLAN_API_KEY"], "Qwen Token Plan API key (Global/Intl)"),
  row("qwen-token-plan-api-key-cn", "qwen-token-plan", ["qwen-token-plan-cn"], ["QWEN_TOKEN_PLAN_API_KEY"], "Qwen Token Plan API key (China)"),
  row("radius-api-key", "radius", ["radius-api-key", "radius"], ["RADIUS_API_KEY"], "Radius organization API key"),
  row("runway-api-key", "runway", ["runway-api-key"], ["RUNWAYML_API_SECRET", "RUNWAY_API_KEY"], "Runway API key"),
  row("stepfun-api-key", "stepfun", ["stepfun-standard-api-key-intl", "stepfun-standard-api-key-cn"], ["STEPFUN_API_KEY"], "StepFun API key"),
  row("synthetic-api-key", "synthetic", ["synthetic-api-key"], ["SYNTHETIC_API_KEY"], "Synthetic API key"),
  row("together-api-key", "together", ["together-api-key"], ["TOGETHER_API_KEY"], "Together AI API key"),
  row("tokenhub-api-key", "tencent-tokenhub", ["tokenhub-api-key"], ["TOKENHUB_API_KEY"], "Tencent TokenHub API key"),
  row("tokenplan-api-key", "tencent-tokenplan", ["tokenplan-api-key"], ["TOKENPLAN_API_KEY"], "Tencent TokenPlan API key"),
  row("venice-api-key", "venice", ["venice-api-key"], ["VENICE_API_KEY"], "Venice API key"),
  row("volcengine-api-key", "volcengine", ["volcengine-api-key"], ["VOLCANO_ENGINE_API_KEY"], "Volcano Engine API key"),
  row("vydra-api-key", "vydra", ["vydra-api-key"], ["VYDRA_API_KEY"], "Vydra API key"),
  row("xai-api-key", "xai", ["xai-api-key"], ["XAI_API_KEY"], "xAI API key"),
  row("xiaomi-api-key", "xiaomi", ["xiaomi-api-key"], ["XIAOMI_API_KEY"], "Xiaomi MiMo pay-as-you-go API key"),
  row("xiaomi-token-plan-api-key", "xiaomi-token-plan", ["xiaomi-token-plan-ams", "xiaomi-token-plan-cn", "xiaomi-token-plan-sgp"], ["XIAOMI_TOKEN_PLAN_API_KEY"], "Xiaomi MiMo Token Plan API key"),
  row("zai-api-key", "zai", ["zai-api-key", "zai-global", "zai-cn", "zai-coding-global", "zai-coding-cn"], ["ZAI_API_KEY", "Z_AI_API_KEY"], "Z.AI API key")
]

/** The row whose `--auth-choice` values include `choice`. */
export const flagOfChoice = (choice: string): ProviderKeyFlag | undefined => PROVIDER_KEY_FLAGS.find((entry) => entry.choices.includes(choice))
