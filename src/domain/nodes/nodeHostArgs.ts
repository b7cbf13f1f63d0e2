/** Where and how a node host connects, as `openclaw node install` resolved it. */
export interface NodeHostTarget {
  readonly host: string
  readonly port: number
  readonly tls?: boolean | undefined
  readonly tlsFingerprint?: string | undefined
  readonly contextPath?: string | undefined
  readonly nodeId?: string | undefined
  readonly displayName?: string | undefined
  readonly shareInstalledApps?: boolean | undefined
  readonly commands?: ReadonlyArray<string> | undefined
  readonly allCommands?: boolean | undefined
}

/**
 * The arguments after `openclaw node run` that the node service runs with, in the original's order:
 * `--host H --port P`, then `--tls`/`--no-tls`, `--tls-fingerprint`, `--context-path`, `--node-id`,
 * `--display-name`, installed-apps sharing and the advertised commands.
 */
export const nodeHostArguments = (target: NodeHostTarget): ReadonlyArray<string> => {
  const args = ["--host", target.host, "--port", String(target.port)]
  if (target.tls === false && target.tlsFingerprint === undefined) args.push("--no-tls")
  else if (target.tls === true || target.tlsFingerprint !== undefined) args.push("--tls")
  if (target.tlsFingerprint !== undefined) args.push("--tls-fingerprint", target.tlsFingerprint)
  if (target.contextPath !== undefined && target.contextPath !== "") args.push("--context-path", target.contextPath)
  if (target.nodeId !== undefined && target.nodeId !== "") args.push("--node-id", target.nodeId)
  if (target.displayName !== undefined && target.displayName !== "") args.push("--display-name", target.displayName)
  if (target.shareInstalledApps !== undefined) args.push(target.shareInstalledApps ? "--share-installed-apps" : "--no-share-installed-apps")
  if (target.allCommands === true) args.push("--all-commands")
  else if (target.commands !== undefined) args.push("--commands", target.commands.join(","))
  return args
}

/** The `node run` arguments of an installed node service (what follows `node run`), if its command is one. */
export const installedNodeHostArguments = (programArguments: ReadonlyArray<string> | undefined): ReadonlyArray<string> | undefined => {
  if (programArguments === undefined) return undefined
  for (let i = 0; i + 1 < programArguments.length; i++) {
    if (programArguments[i] === "node" && programArguments[i + 1] === "run") return programArguments.slice(i + 2)
  }
  return undefined
}
