import type { OpenClawConfig } from "../config/ConfigSchema.js"

/** The 401 body of `/control-ui-config.json` (and the other authenticated UI routes), as the original sends it. */
export const UNAUTHORIZED_BODY = { error: { message: "Unauthorized", type: "unauthorized" } } as const

/**
 * The body of `/control-ui-config.json` (spec control-ui §1.4). This gateway has no agent identities,
 * avatars, terminal, CLI agents or plugin frames, so those fields carry the original's defaults for that case:
 * assistant "Assistant" with avatar "A", no avatar resolution, terminal off, no frame grants.
 */
export const controlUiRuntimeConfig = (input: {
  readonly config: OpenClawConfig
  readonly basePath: string
  readonly serverVersion: string
  /** Only for the bundled page: a custom root's build is not ours to name. */
  readonly serverBuildId: string | undefined
  readonly authRequired: boolean
}) => {
  const ui = input.config.gateway?.controlUi
  return {
    basePath: input.basePath,
    assistantName: "Assistant",
    assistantAvatar: "A",
    assistantAvatarSource: null,
    assistantAvatarStatus: null,
    assistantAvatarReason: null,
    assistantAgentId: "main",
    serverVersion: input.serverVersion,
    ...(input.serverBuildId === undefined ? {} : { serverBuildId: input.serverBuildId }),
    embedSandbox: ui?.embedSandbox === "trusted" ? "trusted" : ui?.embedSandbox === "strict" ? "strict" : "scripts",
    allowExternalEmbedUrls: ui?.allowExternalEmbedUrls === true,
    automaticallyFetchFavicons: ui?.automaticallyFetchFavicons !== false,
    communityInvite: ui?.communityInvite !== false,
    terminalEnabled: false,
    cliAgentsEnabled: false,
    pluginAssetsRequireAuth: input.authRequired,
    pluginFrameGrants: []
  }
}

/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive), else undefined. */
export const bearerToken = (header: string | undefined): string | undefined => {
  const match = /^\s*bearer\s+(\S.*?)\s*$/iu.exec(header ?? "")
  return match?.[1]
}

/** The 503 texts of a root that cannot serve (the original's wording). */
export const assetsMissingMessage = (configuredRoot: string | undefined) =>
  configuredRoot === undefined
    ? "Control UI assets not found. Build them with `pnpm ui:build` (auto-installs UI deps), or run `pnpm ui:dev` during development."
    : `Control UI assets not found at ${configuredRoot}. Build them with \`pnpm ui:build\` (auto-installs UI deps), or update gateway.controlUi.root.`
