import type { EnvEntries } from "./environment.js"
import { escapeXml } from "./escapeXml.js"

const CRLF = "\r\n"

/** What the Task Scheduler definition is rendered from. */
export interface TaskXmlInput {
  readonly description: string
  /** `DOMAIN\user` the task runs as and whose logon starts it; undefined: the registering user, any logon. */
  readonly userId: string | undefined
  /** The launcher the task runs: `<stateDir>/gateway.cmd`. */
  readonly scriptPath: string
  readonly workingDirectory: string
}

/**
 * The task definition (Task Scheduler schema 1.2) for `schtasks /Create /XML`: started at logon,
 * one instance, no time limit, no battery or idle conditions, restarted every minute after a
 * failure. The text declares UTF-16, the encoding schtasks expects; the caller writes it as UTF-16LE.
 */
export const renderTaskXml = (input: TaskXmlInput): string => {
  const user = input.userId === undefined ? [] : [`      <UserId>${escapeXml(input.userId)}</UserId>`]
  return [
    "<?xml version=\"1.0\" encoding=\"UTF-16\"?>",
    "<Task version=\"1.2\" xmlns=\"http://schemas.microsoft.com/windows/2004/02/mit/task\">",
    "  <RegistrationInfo>",
    `    <Description>${escapeXml(input.description)}</Description>`,
    "  </RegistrationInfo>",
    "  <Triggers>",
    "    <LogonTrigger>",
    "      <Enabled>true</Enabled>",
    ...user,
    "    </LogonTrigger>",
    "  </Triggers>",
    "  <Principals>",
    "    <Principal id=\"Author\">",
    ...user,
    "      <LogonType>InteractiveToken</LogonType>",
    "      <RunLevel>LeastPrivilege</RunLevel>",
    "    </Principal>",
    "  </Principals>",
    "  <Settings>",
    "    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>",
    "    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>",
    "    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>",
    "    <AllowHardTerminate>true</AllowHardTerminate>",
    "    <StartWhenAvailable>true</StartWhenAvailable>",
    "    <RunOnlyIfNetworkAvailable>false</RunOnlyIfNetworkAvailable>",
    "    <IdleSettings>",
    "      <StopOnIdleEnd>false</StopOnIdleEnd>",
    "      <RestartOnIdle>false</RestartOnIdle>",
    "    </IdleSettings>",
    "    <AllowStartOnDemand>true</AllowStartOnDemand>",
    "    <Enabled>true</Enabled>",
    "    <Hidden>false</Hidden>",
    "    <RunOnlyIfIdle>false</RunOnlyIfIdle>",
    "    <WakeToRun>false</WakeToRun>",
    "    <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>",
    "    <Priority>7</Priority>",
    "    <RestartOnFailure>",
    "      <Interval>PT1M</Interval>",
    "      <Count>999</Count>",
    "    </RestartOnFailure>",
    "  </Settings>",
    "  <Actions Context=\"Author\">",
    "    <Exec>",
    `      <Command>${escapeXml(input.scriptPath)}</Command>`,
    `      <WorkingDirectory>${escapeXml(input.workingDirectory)}</WorkingDirectory>`,
    "    </Exec>",
    "  </Actions>",
    "</Task>",
    ""
  ].join(CRLF)
}

/** Reads the launcher path back from a task definition. */
export const parseTaskXmlCommand = (xml: string): string | undefined => {
  const match = /<Command>([\s\S]*?)<\/Command>/.exec(xml)
  return match?.[1] === undefined ? undefined : match[1].replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, "\"").replace(/&apos;/g, "'").replace(/&amp;/g, "&")
}

const CMD_SPECIAL = /[\s&|<>^(),;=!"]/

/** One word of a cmd.exe command line in a batch file: `%` doubled, quoted when cmd would split or interpret it. */
export const cmdArg = (value: string): string => {
  const escaped = value.replace(/%/g, "%%")
  return value === "" || CMD_SPECIAL.test(value) ? `"${escaped.replace(/"/g, "\"\"")}"` : escaped
}

/** A `set "KEY=value"` line: quotes keep `& | < >` literal; `%` is doubled. */
export const cmdSet = (key: string, value: string) => `set "${key}=${value.replace(/%/g, "%%")}"`

/** What the launcher is rendered from. */
export interface GatewayCmdInput {
  readonly description: string
  /** Managed environment plus secrets (this file is the service's env source on Windows). */
  readonly environment: EnvEntries
  readonly programArguments: ReadonlyArray<string>
}

/** `<stateDir>/gateway.cmd`, byte for byte (CRLF line ends): sets the environment, then runs the gateway. */
export const renderGatewayCmd = (input: GatewayCmdInput): string =>
  [
    "@echo off",
    `rem ${input.description.replace(/[\r\n]/g, " ")}`,
    ...input.environment.filter(([key]) => key.toUpperCase() !== "PATH").map(([key, value]) => cmdSet(key, value)),
    input.programArguments.map(cmdArg).join(" "),
    ""
  ].join(CRLF)

/** Splits a batch-file command line: quotes group, `""` inside quotes is `"`, `%%` is `%`. */
export const splitCmdLine = (line: string): Array<string> => {
  const words: Array<string> = []
  let current = ""
  let started = false
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string
    if (c === "%" && line[i + 1] === "%") {
      current += "%"
      started = true
      i++
    } else if (c === "\"") {
      if (quoted && line[i + 1] === "\"") {
        current += "\""
        i++
      } else quoted = !quoted
      started = true
    } else if (!quoted && /\s/.test(c)) {
      if (started) words.push(current)
      current = ""
      started = false
    } else {
      current += c
      started = true
    }
  }
  if (started) words.push(current)
  return words
}

/** What status and the audit need from the launcher. */
export interface ParsedGatewayCmd {
  readonly programArguments: ReadonlyArray<string> | undefined
  readonly environment: Readonly<Record<string, string>>
}

/** Reads `gateway.cmd` back: its `set` lines and the first command line. */
export const parseGatewayCmd = (text: string): ParsedGatewayCmd => {
  const environment: Record<string, string> = {}
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    const lower = line.toLowerCase()
    if (line === "" || lower.startsWith("@echo") || lower === "rem" || lower.startsWith("rem ") || lower.startsWith("cd ")) continue
    if (lower.startsWith("set ")) {
      const body = line.slice(4).trim()
      const assignment = body.startsWith("\"") ? body.slice(1, body.lastIndexOf("\"") > 0 ? body.lastIndexOf("\"") : undefined) : body
      const eq = assignment.indexOf("=")
      if (eq > 0) environment[assignment.slice(0, eq)] = assignment.slice(eq + 1).replace(/%%/g, "%")
      continue
    }
    return { programArguments: splitCmdLine(line), environment }
  }
  return { programArguments: undefined, environment }
}
