import { afterAll, beforeAll, expect } from "@effect/vitest"
import type { ChildProcess } from "node:child_process"
import * as path from "node:path"
import { type FakeTelegram, startFakeTelegram } from "./fakeTelegram.js"
import { freePort, startInBackground, stopChild, writeConfig } from "./gatewayProcess.js"
import { tempHome } from "./runCli.js"
import { type ScriptedModelServer, scriptedModelConfig, startScriptedModelServer } from "./scriptedModelServer.js"

/** What a test file gets: the fakes, the gateway's home, and a restart of the gateway process. */
export interface TelegramGateway {
  readonly telegram: FakeTelegram
  readonly model: ScriptedModelServer
  readonly home: ReturnType<typeof tempHome>
  readonly restart: () => Promise<void>
}

/**
 * A real `gateway run` process with the Telegram adapter on a fake Bot API and a scripted model, both on
 * 127.0.0.1, for one test file: started before its tests (once the adapter polls), stopped after them
 * (the gateway must exit 0). `config` adds to the gateway's own section, the model and the Telegram
 * account (`botToken`, `apiRoot`); `prepare` writes files into the home before the first start.
 */
export const useTelegramGateway = (options: {
  readonly gatewayToken: string
  readonly botToken: string
  readonly modelReply: string
  readonly telegram?: Readonly<Record<string, unknown>>
  readonly config?: Readonly<Record<string, unknown>>
  readonly prepare?: (home: ReturnType<typeof tempHome>) => void
}): TelegramGateway => {
  const home = tempHome()
  let telegram: FakeTelegram | undefined
  let model: ScriptedModelServer | undefined
  let gateway: ChildProcess | undefined
  const start = async () => {
    gateway = (await startInBackground(home.home)).child
    await telegram!.waitForSent(() => telegram!.calls.includes("getUpdates"))
  }
  beforeAll(async () => {
    telegram = await startFakeTelegram(options.botToken)
    model = await startScriptedModelServer([], { text: options.modelReply })
    writeConfig(home.configPath, {
      gateway: { mode: "local", port: await freePort(), auth: { mode: "token", token: options.gatewayToken } },
      logging: { file: path.join(home.home, "logs", "gateway.log") },
      ...scriptedModelConfig(model),
      ...options.config,
      channels: { telegram: { botToken: options.botToken, apiRoot: telegram.apiRoot, ...options.telegram } }
    })
    options.prepare?.(home)
    await start()
  })
  afterAll(async () => {
    if (gateway !== undefined) expect(await stopChild(gateway)).toBe(0)
    await telegram?.close()
    await model?.close()
  })
  return {
    get telegram() {
      return telegram!
    },
    get model() {
      return model!
    },
    home,
    restart: async () => {
      if (gateway !== undefined) expect(await stopChild(gateway)).toBe(0)
      await start()
    }
  }
}
