import { describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import { inProcessHome } from "../support/cliInProcess.js"

const readConfig = (file: string): any => JSON.parse(fs.readFileSync(file, "utf8"))

describe("openclaw onboard --gateway-token-ref-env (in process, real files)", () => {
  it("stores the token as an env SecretRef (no plaintext), as the original does; bad names, unset vars and both flags are refused", async () => {
    const { run, configPath } = inProcessHome()
    const refused: ReadonlyArray<[ReadonlyArray<string>, Record<string, string>, string]> = [
      [["--gateway-token-ref-env", "my-token"], {}, "Invalid --gateway-token-ref-env. Use an environment variable name like OPENCLAW_GATEWAY_TOKEN."],
      [["--gateway-token-ref-env", "GW_TOKEN_UNSET_HERE"], {}, `Environment variable "GW_TOKEN_UNSET_HERE" is missing or empty. Export it first`],
      [["--gateway-token-ref-env", "GW_TOKEN", "--gateway-token", "plain-token-123"], { GW_TOKEN: "from-env-0123456789" }, "Use either --gateway-token or --gateway-token-ref-env, not both."]
    ]
    for (const [flags, env, message] of refused) {
      const result = await run(["onboard", "--mode", "local", "--non-interactive", ...flags], env)
      expect(result.code, flags.join(" ")).toBe(1)
      expect(result.stderr).toContain(message)
      expect(fs.existsSync(configPath)).toBe(false)
    }
    const ok = await run(["onboard", "--mode", "local", "--non-interactive", "--gateway-token-ref-env", "GW_TOKEN"], { GW_TOKEN: "from-env-0123456789" })
    expect(ok.code, ok.stderr).toBe(0)
    expect(readConfig(configPath).gateway.auth).toEqual({ mode: "token", token: { source: "env", provider: "default", id: "GW_TOKEN" } })
    expect(fs.readFileSync(configPath, "utf8")).not.toContain("from-env-0123456789")
    expect(ok.stdout).not.toContain("Generated a gateway token")
  })
})
