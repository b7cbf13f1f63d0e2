import { Effect, Layer } from "effect"
import { type CommandResult, CommandRunner, CommandUnavailable } from "../../src/services/CommandRunner.js"

/** One call the code under test made. */
export interface RecordedCall {
  readonly command: string
  readonly args: ReadonlyArray<string>
}

/** What a scripted command answers: a result, or `"unavailable"` (as if the program were not installed). */
export type ScriptedAnswer = Partial<CommandResult> | "unavailable"

/** Answers a call, or `undefined` to fall through to the next rule (and finally to exit 0, empty output). */
export type Script = (command: string, args: ReadonlyArray<string>) => ScriptedAnswer | undefined

/** The recording fake plus the list it fills. */
export interface RecordingRunner {
  readonly calls: Array<RecordedCall>
  readonly layer: Layer.Layer<CommandRunner>
  /** Calls as `command arg arg` strings, for compact exact assertions. */
  readonly lines: () => Array<string>
  readonly clear: () => void
}

/**
 * CommandRunnerTest: records every call and answers from the scripts, tried in order; an unmatched
 * call succeeds with exit 0 and no output.
 */
export const CommandRunnerTest = (...scripts: ReadonlyArray<Script>): RecordingRunner => {
  const calls: Array<RecordedCall> = []
  const layer = Layer.succeed(CommandRunner, {
    run: (command, args) =>
      Effect.suspend(() => {
        calls.push({ command, args: [...args] })
        let answer: ScriptedAnswer | undefined
        for (const script of scripts) {
          answer = script(command, args)
          if (answer !== undefined) break
        }
        if (answer === "unavailable") return Effect.fail(new CommandUnavailable({ command, message: `spawn ${command} ENOENT` }))
        return Effect.succeed({ code: answer?.code ?? 0, stdout: answer?.stdout ?? "", stderr: answer?.stderr ?? "" })
      })
  })
  return {
    calls,
    layer,
    lines: () => calls.map((call) => [call.command, ...call.args].join(" ")),
    clear: () => {
      calls.length = 0
    }
  }
}

/** A rule matching an exact command line prefix. */
export const when = (prefix: ReadonlyArray<string>, answer: ScriptedAnswer): Script => (command, args) => {
  const line = [command, ...args]
  return prefix.every((part, i) => line[i] === part) ? answer : undefined
}

/** A fake systemd user manager: `show` reports the state, start/stop/restart/enable/disable change it. */
export const fakeSystemd = (initial: { active?: boolean; enabled?: boolean; pid?: number; available?: boolean } = {}) => {
  const state = { active: initial.active ?? false, enabled: initial.enabled ?? false, pid: initial.pid ?? 4242, available: initial.available ?? true }
  const script: Script = (command, args) => {
    if (command !== "systemctl") return undefined
    if (!state.available) return { code: 1, stderr: "Failed to connect to bus: No medium found" }
    const user = args[0] === "--user"
    const rest = user ? args.slice(1) : args
    switch (rest[0]) {
      case "show-environment":
        return { stdout: "HOME=/home/test\nPATH=/usr/bin\n" }
      case "show":
        return {
          stdout: [
            `ActiveState=${state.active ? "active" : "inactive"}`,
            `SubState=${state.active ? "running" : "dead"}`,
            `MainPID=${state.active ? state.pid : 0}`,
            "ExecMainStatus=0",
            `UnitFileState=${state.enabled ? "enabled" : "disabled"}`,
            ""
          ].join("\n")
        }
      case "start":
      case "restart":
        state.active = true
        return {}
      case "stop":
        state.active = false
        return {}
      case "enable":
        state.enabled = true
        return {}
      case "disable":
        state.enabled = false
        if (rest.includes("--now")) state.active = false
        return {}
      default:
        return {}
    }
  }
  return { state, script }
}

/**
 * A fake launchd: `print` answers while the job is loaded, bootstrap/bootout load and unload it;
 * `disable` makes bootstrap fail (as launchd's does) until `enable`.
 */
export const fakeLaunchd = (initial: { loaded?: boolean; running?: boolean; pid?: number } = {}) => {
  const state = { loaded: initial.loaded ?? false, running: initial.running ?? false, pid: initial.pid ?? 5151, disabled: false }
  const script: Script = (command, args) => {
    if (command !== "launchctl") return undefined
    switch (args[0]) {
      case "print":
        if (args[1]?.startsWith("system/") === true) return { code: 113, stderr: "Could not find service" }
        return state.loaded
          ? { stdout: [`${args[1]} = {`, `\tstate = ${state.running ? "running" : "not running"}`, ...(state.running ? [`\tpid = ${state.pid}`] : []), "\tlast exit code = 0", "}"].join("\n") }
          : { code: 113, stderr: `Could not find service "${args[1]}" in domain` }
      case "disable":
        state.disabled = true
        return {}
      case "enable":
        state.disabled = false
        return {}
      case "bootstrap":
        if (state.disabled) return { code: 5, stderr: "Bootstrap failed: 5: Input/output error" }
        state.loaded = true
        state.running = true
        return {}
      case "bootout":
        state.loaded = false
        state.running = false
        return {}
      case "kickstart":
        state.running = true
        return {}
      default:
        return {}
    }
  }
  return { state, script }
}

/**
 * A fake Task Scheduler: `/Query` answers while the task is registered; /Create, /Run, /End, /Delete
 * change it; `/Change /DISABLE` makes /Run fail until `/Change /ENABLE`.
 */
export const fakeSchtasks = (initial: { registered?: boolean; running?: boolean; extraTasks?: ReadonlyArray<string> } = {}) => {
  const state = { registered: initial.registered ?? false, running: initial.running ?? false, disabled: false }
  const script: Script = (command, args) => {
    if (command !== "schtasks") return undefined
    const name = args[args.indexOf("/TN") + 1]
    switch (args[0]) {
      case "/Query":
        if (!args.includes("/TN")) {
          return { stdout: [`"\\OpenClaw Gateway","N/A","Ready"`, ...(initial.extraTasks ?? []).map((task) => `"${task}","N/A","Ready"`)].join("\r\n") }
        }
        return state.registered
          ? {
            stdout: [
              `Folder: \\`,
              `TaskName: \\${name}`,
              `Status: ${state.disabled ? "Disabled" : state.running ? "Running" : "Ready"}`,
              `Last Run Result: ${state.running ? "267009" : "0"}`,
              `Scheduled Task State: ${state.disabled ? "Disabled" : "Enabled"}`
            ].join("\r\n")
          }
          : { code: 1, stderr: "ERROR: The system cannot find the file specified." }
      case "/Create":
        state.registered = true
        return { stdout: `SUCCESS: The scheduled task "${name}" has successfully been created.` }
      case "/Change":
        state.disabled = args.includes("/DISABLE")
        return { stdout: `SUCCESS: The parameters of scheduled task "${name}" have been changed.` }
      case "/Run":
        if (state.disabled) return { code: 1, stderr: "ERROR: The task has been disabled." }
        state.running = true
        return {}
      case "/End":
        if (!state.running) return { code: 1, stderr: "ERROR: The task is not running." }
        state.running = false
        return {}
      case "/Delete":
        state.registered = false
        return {}
      default:
        return {}
    }
  }
  return { state, script }
}
