import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type ChildProcess, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { freePort, startInBackground, stopChild, writeConfig } from "../support/gatewayProcess.js"
import { childEnv, CLI, tempHome } from "../support/runCli.js"
import { runCliAsync } from "../support/runCliAsync.js"
import { type ScriptedModelServer, scriptedModelConfig, startScriptedModelServer } from "../support/scriptedModelServer.js"
import { until } from "../support/until.js"

const TOKEN = "nodes-e2e-token"
// Long enough for a CLI process to resolve it on a loaded machine; the timeout case waits this out.
const APPROVAL_TIMEOUT_MS = 10_000

const startNodeHost = (home: string, displayName: string) =>
  new Promise<{ child: ChildProcess; output: () => string }>((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, "node", "run", "--display-name", displayName], {
      env: childEnv(home, { OPENCLAW_NODE_APPROVAL_TIMEOUT_MS: String(APPROVAL_TIMEOUT_MS) })
    })
    let out = ""
    const timer = setTimeout(() => reject(new Error(`node host did not connect: ${out}`)), 15_000)
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString()
      if (out.includes("node host connected")) {
        clearTimeout(timer)
        resolve({ child, output: () => out })
      }
    })
    child.stderr.on("data", (d: Buffer) => (out += d.toString()))
  })

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe("nodes and exec approvals, end to end (real gateway, real node host process, fake model)", () => {
  let model: ScriptedModelServer
  let home: ReturnType<typeof tempHome>
  let gateway: ChildProcess
  let node: { child: ChildProcess; output: () => string }
  const beforeNode: Record<string, { code: number; stdout: string; stderr: string }> = {}
  const cli = (args: ReadonlyArray<string>, timeoutMs = 20_000) => runCliAsync(home.home, args, {}, timeoutMs)
  const json = async (args: ReadonlyArray<string>) => {
    const result = await cli([...args, "--json"])
    expect(result.code, result.stderr).toBe(0)
    return JSON.parse(result.stdout)
  }
  const setApprovals = async (doc: string) => {
    const file = path.join(home.home, "approvals.json5")
    fs.writeFileSync(file, doc)
    const result = await cli(["approvals", "set", "--node", "e2e-node", "--file", file])
    expect(result.code, result.stderr).toBe(0)
  }
  /** One agent turn whose model asks for `exec` with this command; resolves to the tool result the model got back. */
  const execTurn = async (command: string, whileRunning?: () => Promise<void>) => {
    model.script.push({ toolCalls: [{ name: "exec", arguments: { command, host: "node" } }] }, { text: "turn done" })
    const seen = model.requests.length
    const turn = cli(["agent", "--session-key", `agent:main:e2e-${seen}`, "-m", `run ${command}`], 60_000)
    // The turn is awaited even when the operator side fails, so no turn outlives its test.
    const operator = whileRunning === undefined ? Promise.resolve() : whileRunning()
    const [result] = await Promise.all([turn, operator])
    expect(result.code, result.stderr).toBe(0)
    const toolMessage = model.requests.at(-1)?.body.messages.at(-1)
    expect(toolMessage).toMatchObject({ role: "tool" })
    return String(toolMessage.content)
  }
  const pendingApproval = () =>
    until("an exec approval request", async () => {
      const list = await json(["approvals", "pending"])
      return list.approvals[0] as { id: string; summary: string } | undefined
    })

  beforeAll(async () => {
    model = await startScriptedModelServer()
    const port = await freePort()
    home = tempHome()
    writeConfig(home.configPath, {
      gateway: { mode: "local", port, auth: { mode: "token", token: TOKEN } },
      logging: { file: path.join(home.home, "logs", "gateway.log") },
      ...scriptedModelConfig(model)
    })
    gateway = (await startInBackground(home.home)).child
    for (const args of [["nodes", "status"], ["nodes", "list"], ["nodes", "status", "--json"], ["nodes", "describe"], ["nodes", "describe", "--node", "x", "--json"], ["approvals", "get", "--node", "x"]]) {
      beforeNode[args.join(" ")] = await cli(args)
    }
    node = await startNodeHost(home.home, "e2e-node")
  }, 40_000)

  afterAll(async () => {
    // The last test killed the node host; stop it here only if it is still running.
    if (node !== undefined && node.child.exitCode === null && node.child.signalCode === null) await stopChild(node.child)
    if (gateway !== undefined) expect(await stopChild(gateway)).toBe(0)
    await model?.close()
  }, 20_000)

  it("with no node yet, the commands answer as the original's captures do", () => {
    expect(beforeNode["nodes status"]).toEqual({ code: 0, stdout: "Known: 0 · Paired: 0 · Connected: 0\n", stderr: "" })
    expect(beforeNode["nodes list"]).toEqual({ code: 0, stdout: "Pending: 0 · Paired: 0\n", stderr: "" })
    const status = JSON.parse(beforeNode["nodes status --json"]?.stdout ?? "")
    expect(Object.keys(status)).toEqual(["ts", "nodes"])
    expect(status.nodes).toEqual([])
    expect(beforeNode["nodes describe"]).toEqual({ code: 1, stdout: "", stderr: "Missing required option \"--node <idOrNameOrIp>\".\nTry: openclaw nodes describe --help\n" })
    const describeJson = beforeNode["nodes describe --node x --json"]
    expect(describeJson?.code).toBe(1)
    expect(JSON.parse(describeJson?.stdout ?? "")).toEqual({ ok: false, error: { type: "cli_error", message: "unknown node: x" } })
    expect(describeJson?.stderr).toContain("[openclaw] Reason: unknown node: x")
    expect(beforeNode["approvals get --node x"]).toEqual({ code: 1, stdout: "", stderr: "unknown node: x\n" })
  })

  it("the node pairs: its commands wait for approval, then describe shows them effective", async () => {
    const before = await until("the node's pairing request", async () => {
      const pending = (await json(["nodes", "pending"])).pending
      return pending.length > 0 ? pending : undefined
    })
    expect(before[0].commands).toEqual(expect.arrayContaining(["system.run", "system.which"]))
    const described = await json(["nodes", "describe", "--node", "e2e-node"])
    expect(described).toMatchObject({ connected: true, paired: false, commands: [] })
    expect(described.pendingCommands).toEqual(expect.arrayContaining(["system.run", "system.which"]))
    const human = await cli(["nodes", "describe", "--node", "e2e-node"])
    expect(human.stdout).toContain("Commands (pending approval): system.run, system.which")

    const approved = await cli(["nodes", "approve", before[0].requestId])
    expect(approved.code, approved.stderr).toBe(0)
    const after = await json(["nodes", "describe", "--node", "e2e-node"])
    expect(after).toMatchObject({ connected: true, paired: true, pendingCommands: [] })
    expect(after.commands).toEqual(expect.arrayContaining(["system.run", "system.which"]))
    const status = await cli(["nodes", "status"])
    expect(status.stdout).toContain("Known: 1 · Paired: 1 · Connected: 1")

    const which = await cli(["nodes", "invoke", "--node", "e2e-node", "--command", "system.which", "--params", "{\"bins\":[\"sh\",\"no-such-bin-xyz\"]}"])
    expect(which.code, which.stderr).toBe(0)
    expect(JSON.parse(which.stdout).bins).toEqual({ sh: expect.stringMatching(/\/sh$/) })
    const refused = await cli(["nodes", "invoke", "--node", "e2e-node", "--command", "system.run", "--params", "{\"command\":[\"true\"]}"])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain("exec tool with host=node")
    const unknown = await cli(["nodes", "describe", "--node", "nope"])
    expect([unknown.code, unknown.stderr]).toEqual([1, "nodes describe failed: unknown node: nope\n"])
  }, 40_000)

  it("an allowlisted command runs on the node; one off the allowlist is denied with the exact code", async () => {
    await setApprovals(`{ version: 1, defaults: { security: "allowlist", ask: "off", askFallback: "deny" }, agents: { main: { allowlist: [{ pattern: "echo" }] } } }`)
    const fromNode = await execTurn("echo hello-from-node && echo second")
    expect(fromNode).toContain("hello-from-node\nsecond")
    expect(fromNode).toContain("exit code: 0")

    const marker = path.join(home.home, "should-not-exist")
    const denied = await execTurn(`echo ok && touch ${marker}`)
    expect(denied).toContain("SYSTEM_RUN_DENIED: allowlist miss")
    expect(fs.existsSync(marker)).toBe(false)
    const remote = await cli(["approvals", "get", "--node", "e2e-node", "--json"])
    expect(JSON.parse(remote.stdout).file.agents.main.allowlist).toEqual([{ pattern: "echo" }])
  }, 90_000)

  it("an approval-required command waits for an operator over the protocol, then runs the approved plan", async () => {
    await setApprovals(`{ version: 1, defaults: { security: "allowlist", ask: "on-miss", askFallback: "deny" }, agents: { main: { allowlist: [{ pattern: "echo" }] } } }`)
    const marker = path.join(home.home, "approved-marker")
    const result = await execTurn(`touch ${marker} && echo approved-run`, async () => {
      const pending = await pendingApproval()
      expect(pending.summary).toContain(`touch ${marker}`)
      expect(fs.existsSync(marker)).toBe(false)
      const resolved = await cli(["approvals", "resolve", pending.id, "allow-once"])
      expect(resolved.code, resolved.stderr).toBe(0)
      expect(resolved.stdout).toContain(`Resolved ${pending.id}: allow-once`)
    })
    expect(result).toContain("approved-run")
    expect(fs.existsSync(marker)).toBe(true)
  }, 90_000)

  it("a denial is refused; a timeout takes askFallback (deny, then full)", async () => {
    const marker = path.join(home.home, "denied-marker")
    const denied = await execTurn(`touch ${marker}`, async () => {
      const pending = await pendingApproval()
      expect((await cli(["approvals", "resolve", pending.id, "deny"])).code).toBe(0)
    })
    expect(denied).toContain("SYSTEM_RUN_DENIED: user denied")
    expect(fs.existsSync(marker)).toBe(false)

    const timedOut = await execTurn(`touch ${marker}`)
    expect(timedOut).toContain("SYSTEM_RUN_DENIED: approval required")
    expect(fs.existsSync(marker)).toBe(false)

    await setApprovals(`{ version: 1, defaults: { security: "allowlist", ask: "on-miss", askFallback: "full" }, agents: { main: { allowlist: [{ pattern: "echo" }] } } }`)
    const fellBack = await execTurn(`touch ${marker} && echo fallback-ran`)
    expect(fellBack).toContain("fallback-ran")
    expect(fs.existsSync(marker)).toBe(true)
  }, 120_000)

  it("a node killed mid-invoke fails the call at once with NODE_DISCONNECTED", async () => {
    await setApprovals(`{ version: 1, defaults: { security: "full", ask: "off" } }`)
    await until("the node connected with system.run", async () => {
      const nodes = (await json(["nodes", "status", "--connected"])).nodes
      return nodes.some((n: { commands: Array<string> }) => n.commands.includes("system.run")) ? true : undefined
    })
    const started = Date.now()
    const result = await execTurn("sleep 30", async () => {
      await sleep(1500)
      node.child.kill("SIGKILL")
    })
    expect(result).toContain("NODE_DISCONNECTED: node disconnected during invoke")
    expect(Date.now() - started).toBeLessThan(15_000)
    const status = await json(["nodes", "status"])
    expect(status.nodes[0]).toMatchObject({ connected: false, paired: true })
  }, 90_000)
})
