import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { controlUiRootFor, defaultControlUiRoot } from "../../../src/layers/gateway/controlUi/defaultRoot.js"

describe("the bundled Control UI folder", () => {
  it("is dist/control-ui beside the CLI bundle, and the repository's dist/control-ui from source", () => {
    expect(controlUiRootFor("/usr/lib/node_modules/clawgate/dist/openclaw-cli.cjs", "/home/u")).toBe("/usr/lib/node_modules/clawgate/dist/control-ui")
    expect(controlUiRootFor("/work/repo/src/layers/gateway/controlUi/defaultRoot.ts", "/tmp")).toBe("/work/repo/dist/control-ui")
    expect(controlUiRootFor(undefined, "/work/repo")).toBe("/work/repo/dist/control-ui")
    // Under vitest this module runs from source: the worktree's own dist/control-ui.
    expect(defaultControlUiRoot()).toBe(path.resolve(__dirname, "../../../dist/control-ui"))
  })
})
