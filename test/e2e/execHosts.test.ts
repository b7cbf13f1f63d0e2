import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type ChildProcess, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { SANDBOX_UNAVAILABLE } from "../../src/domain/nodes/execTarget.js"
import { freePort, startInBackground, stopChild, writeConfig } from "../support/gatewayProcess.js"
import { childEnv, CLI, tempHome } from "../support/runCli.js"
import { runCliAsync } from "../support/runCliAsync.js"
import { type ScriptedModelServer, scriptedModelConfig, startScriptedModelServer } from "../support/scriptedModelServer.js"
import { until } from "../support/until.js"

const TOKEN = "exec-hosts-e2e-token"

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe("exec host=gateway, host=sandbox, and chat.abort reaching a running exec (real gateway, real node host, fake model)", () => {
  let model: ScriptedModelServer
  let gatewayHome: ReturnType<typeof tempHome>
  let nodeHome: ReturnType<typeof tempHome>
  let gateway: ChildProcess
  let node: ChildProcess | undefined
  let turns = 0
  const cli = (args: ReadonlyArray<string>, timeoutMs = 20_000) => runCliAsync(gatewayHome.home, args, {}, timeoutMs)
  const json = async (args: ReadonlyArray<string>) => {
    const result = await cli([...args, "--json"])
    expect(result.code, result.stderr).toBe(0)
    return JSON.parse(result.stdout)
  }
  const setGatewayApprovals = async (doc: string) => {
    const file = path.join(gatewayHome.home, "approvals.json5")
    fs.writeFileSync(file, doc)
    const result = await cli(["approvals", "set", "--gateway", "--file", file])
    expect(result.code, result.stderr).toBe(0)
  }
  /** One agent turn whose model calls `exec`; resolves to the tool result the model got back. */
  const execTurn = async (args: Record<string, unknown>, whileRunning?: () => Promise<void>) => {
    model.script.push({ toolCalls: [{ name: "exec", arguments: args }] }, { text: "turn done" })
    const turn = cli(["agent", "--session-key", `agent:main:exec-${turns++}`, "-m", "run it"], 60_000)
    const operator = whileRunning === undefined ? Promise.resolve() : whileRunning()
    const [result] = await Promise.all([turn, operator])
    expect(result.code, result.stderr).toBe(0)
    const toolMessage = model.requests.at(-1)?.body.messages.at(-1)
    expect(toolMessage).toMatchObject({ role: "tool" })
    return String(toolMessage.content)
  }

  beforeAll(async () => {
    model = await startScriptedModelServer()
    const port = await freePort()
    gatewayHome = tempHome()
    nodeHome = tempHome()
    writeConfig(gatewayHome.configPath, {
      gateway: { mode: "local", port, auth: { mode: "token", token: TOKEN } },
      logging: { file: path.join(gatewayHome.home, "logs", "gateway.log") },
      ...scriptedModelConfig(model)
    })
    gateway = (await startInBackground(gatewayHome.home)).child
    // The node host lives in its own home: its approvals document is not the gateway's.
    node = await new Promise<ChildProcess>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, "node", "run", "--port", String(port), "--token", TOKEN, "--display-name", "exec-node"], {
        env: childEnv(nodeHome.home)
      })
      let out = ""
      const timer = setTimeout(() => reject(new Error(`node host did not connect: ${out}`)), 15_000)
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString()
        if (out.includes("node host connected")) {
          clearTimeout(timer)
          resolve(child)
        }
      })
      child.stderr.on("data", (d: Buffer) => (out += d.toString()))
    })
    const pending = await until("the node's pairing request", async () => {
      const list = (await json(["nodes", "pending"])).pending
      return list.length > 0 ? list : undefined
    })
    const approved = await cli(["nodes", "approve", pending[0].requestId])
    expect(approved.code, approved.stderr).toBe(0)
  }, 60_000)

  afterAll(async () => {
    if (node !== undefined && node.exitCode === null && node.signalCode === null) await stopChild(node)
    if (gateway !== undefined) expect(await stopChild(gateway)).toBe(0)
    await model?.close()
  }, 20_000)

  it("host=gateway runs a real child process on the gateway's machine, in its home by default", async () => {
    const result = await execTurn({ command: "echo gw-$((40+2)) && pwd", host: "gateway" })
    expect(result).toBe(`gw-42\n${fs.realpathSync(gatewayHome.home)}\nexit code: 0`)
    // With no host given and tools.exec.host unset, `auto` is the gateway (no sandbox runtime), as the original's.
    const auto = await execTurn({ command: "echo auto-ran" })
    expect(auto).toBe("auto-ran\nexit code: 0")
  }, 90_000)

  it("host=gateway is judged by the gateway's approvals document (a miss is denied with the exact code), the node by its own", async () => {
    await setGatewayApprovals(`{ version: 1, defaults: { security: "allowlist", ask: "off", askFallback: "deny" }, agents: { main: { allowlist: [{ pattern: "echo" }] } } }`)
    const allowed = await execTurn({ command: "echo listed", host: "gateway" })
    expect(allowed).toBe("listed\nexit code: 0")
    const marker = path.join(gatewayHome.home, "gw-should-not-exist")
    const denied = await execTurn({ command: `echo ok && touch ${marker}`, host: "gateway" })
    expect(denied).toContain("SYSTEM_RUN_DENIED: allowlist miss")
    expect(fs.existsSync(marker)).toBe(false)
    // The node host's document is its own (default full): the same command runs there.
    const onNode = await execTurn({ command: `echo ok && touch ${marker}`, host: "node" })
    expect(onNode).toBe("ok\nexit code: 0")
    expect(fs.existsSync(marker)).toBe(true)
    fs.rmSync(marker)
  }, 120_000)

  it("host=gateway under ask=on-miss waits for an operator over the protocol, then runs the approved plan", async () => {
    await setGatewayApprovals(`{ version: 1, defaults: { security: "allowlist", ask: "on-miss", askFallback: "deny" }, agents: { main: { allowlist: [{ pattern: "echo" }] } } }`)
    const marker = path.join(gatewayHome.home, "gw-approved")
    const result = await execTurn({ command: `touch ${marker} && echo approved-on-gateway`, host: "gateway" }, async () => {
      const pending = await until("a gateway exec approval", async () => (await json(["approvals", "pending"])).approvals[0] as { id: string; summary: string } | undefined)
      expect(pending.summary).toContain(`touch ${marker}`)
      expect(fs.existsSync(marker)).toBe(false)
      const resolved = await cli(["approvals", "resolve", pending.id, "allow-once"])
      expect(resolved.code, resolved.stderr).toBe(0)
    })
    expect(result).toBe("approved-on-gateway\nexit code: 0")
    expect(fs.existsSync(marker)).toBe(true)
    const denied = await execTurn({ command: `rm ${marker}`, host: "gateway" }, async () => {
      const pending = await until("a gateway exec approval", async () => (await json(["approvals", "pending"])).approvals[0] as { id: string } | undefined)
      expect((await cli(["approvals", "resolve", pending.id, "deny"])).code).toBe(0)
    })
    expect(denied).toContain("SYSTEM_RUN_DENIED: user denied")
    expect(fs.existsSync(marker)).toBe(true)
    await setGatewayApprovals(`{ version: 1, defaults: { security: "full", ask: "off" } }`)
  }, 120_000)

  it("host=sandbox answers with the original's text: there is no sandbox runtime", async () => {
    const result = await execTurn({ command: "echo never", host: "sandbox" })
    expect(result).toContain(SANDBOX_UNAVAILABLE)
    expect(result).not.toContain("never\n")
  }, 60_000)

  it("approvals grants list|revoke answer over exec.approval.grants.* as the original's (no automation grants are minted here)", async () => {
    expect(await cli(["approvals", "grants", "list"])).toEqual({ code: 0, stdout: "No standing grants.\n", stderr: "" })
    expect(await json(["approvals", "grants", "list", "--limit", "5"])).toEqual({ grants: [] })
    expect(await cli(["approvals", "grants", "revoke", "grant-1"])).toEqual({ code: 1, stdout: "", stderr: "Grant grant-1 not found.\n" })
    expect(await json(["approvals", "grants", "revoke", "grant-1"])).toEqual({ outcome: "not-found" })
    const badLimit = await cli(["approvals", "grants", "list", "--limit", "0"])
    expect([badLimit.code, badLimit.stderr]).toEqual([1, "--limit must be a positive integer.\n"])
  }, 60_000)

  it("nodes notify, location get and camera list answer for a headless node that lacks them as the original's gateway does", async () => {
    const notify = await cli(["nodes", "notify", "--node", "exec-node", "--title", "hi"])
    expect(notify).toEqual({ code: 1, stdout: "", stderr: `nodes notify failed: node command not allowed: the node (platform: ${process.platform}) does not support "system.notify"\n` })
    const location = await cli(["nodes", "location", "get", "--node", "exec-node"])
    expect([location.code, location.stderr]).toEqual([1, `nodes location get failed: node command not allowed: the node (platform: ${process.platform}) does not support "location.get"\n`])
    const camera = await cli(["nodes", "camera", "list", "--node", "exec-node"])
    expect([camera.code, camera.stderr]).toEqual([1, `nodes camera list failed: node command not allowed: the node (platform: ${process.platform}) does not support "camera.list"\n`])
    const empty = await cli(["nodes", "notify", "--node", "exec-node"])
    expect([empty.code, empty.stderr]).toEqual([1, "nodes notify failed: missing --title or --body\n"])
    const accuracy = await cli(["nodes", "location", "get", "--node", "exec-node", "--accuracy", "exact"])
    expect([accuracy.code, accuracy.stderr]).toEqual([1, "nodes location get failed: invalid --accuracy (use coarse|balanced|precise)\n"])
  }, 60_000)

  for (const host of ["node", "gateway"] as const) {
    it(`chat.abort of the turn kills the running exec's child process (host=${host})`, async () => {
      const pidFile = path.join(gatewayHome.home, `abort-${host}.pid`)
      const sessionKey = `agent:main:abort-${host}`
      // Only the tool call is scripted: the aborted turn never asks the model again.
      model.script.push({ toolCalls: [{ name: "exec", arguments: { command: `echo $$ > ${pidFile}; exec sleep 60`, host } }] })
      const turn = cli(["agent", "--session-key", sessionKey, "-m", "long job"], 60_000)
      const pid = await until("the exec's child", () => {
        const text = fs.existsSync(pidFile) ? fs.readFileSync(pidFile, "utf8").trim() : ""
        return text === "" ? undefined : Number(text)
      }, 20_000)
      expect(alive(pid)).toBe(true)
      const aborted = await cli(["gateway", "call", "chat.abort", "--params", JSON.stringify({ sessionKey }), "--json"])
      expect(aborted.code, aborted.stderr).toBe(0)
      expect(JSON.parse(aborted.stdout)).toMatchObject({ aborted: true })
      await until("the child to be killed", () => (alive(pid) ? undefined : true), 10_000)
      await turn
    }, 90_000)
  }
})
