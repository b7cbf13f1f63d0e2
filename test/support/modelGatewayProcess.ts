import { afterAll, beforeAll, expect } from "@effect/vitest"
import type { ChildProcess } from "node:child_process"
import * as path from "node:path"
import { freePort, startInBackground, stopChild, writeConfig } from "./gatewayProcess.js"
import { tempHome } from "./runCli.js"
import { type ScriptedModelServer, scriptedModelConfig, startScriptedModelServer } from "./scriptedModelServer.js"

/** A `gateway run` child over a temp home whose default model is a scripted fake on 127.0.0.1. */
export interface ModelGatewayProcess {
  readonly model: ScriptedModelServer
  readonly home: ReturnType<typeof tempHome>
  readonly gateway: ChildProcess
  readonly port: number
  /** Stops the gateway (resolving to its exit code) and the fake. */
  readonly stop: () => Promise<number | null>
}

export const startModelGatewayProcess = async (token: string): Promise<ModelGatewayProcess> => {
  const model = await startScriptedModelServer()
  const port = await freePort()
  const home = tempHome()
  writeConfig(home.configPath, {
    gateway: { mode: "local", port, auth: { mode: "token", token } },
    logging: { file: path.join(home.home, "logs", "gateway.log") },
    ...scriptedModelConfig(model)
  })
  const gateway = (await startInBackground(home.home)).child
  return {
    model,
    home,
    gateway,
    port,
    stop: async () => {
      const code = await stopChild(gateway)
      await model.close()
      return code
    }
  }
}

/**
 * Starts the gateway child before the suite and stops it after (asserting a clean exit 0); the
 * returned object is filled in once `beforeAll` has run.
 */
export const useModelGatewayProcess = (token: string): ModelGatewayProcess => {
  const fixture = {} as { current: ModelGatewayProcess }
  beforeAll(async () => {
    fixture.current = await startModelGatewayProcess(token)
  })
  afterAll(async () => {
    expect(await fixture.current.stop()).toBe(0)
  })
  return new Proxy({} as ModelGatewayProcess, { get: (_, key) => fixture.current[key as keyof ModelGatewayProcess] })
}
