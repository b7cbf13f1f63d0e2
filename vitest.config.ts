import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 10_000,
    // vitest's default leaves one core idle (cpus - 1): on a 2-core machine that ran every file in turn.
    // Two workers use both; tests wait on events, not on the machine's speed, so they share the cores.
    maxWorkers: 2,
    minWorkers: 1,
    globalSetup: ["test/support/globalSetup.ts"]
  }
})
