import { Command } from "@effect/cli"
import { describe, expect, it } from "@effect/vitest"
import { HashMap } from "effect"
import { loadRootCommand } from "../../src/cli/app.js"
import { COMMAND_LOADERS, COMMAND_NAMES, isCommandName } from "../../src/cli/commandLoaders.js"
import { nameOf, type Node } from "../../src/cli/commandTree.js"

describe("the command tree, loaded per command", () => {
  it("each top-level name loads the command of that name (an alias is its own command)", async () => {
    for (const name of COMMAND_NAMES) {
      const command = await COMMAND_LOADERS[name]()
      expect(nameOf(command.descriptor as unknown as Node), name).toBe(name)
    }
  })

  it("the whole tree holds every name the root help lists, and a named tree holds only what it names", async () => {
    expect([...HashMap.keys(Command.getSubcommands(await loadRootCommand()))].sort()).toEqual([...COMMAND_NAMES].sort())
    expect([...HashMap.keys(Command.getSubcommands(await loadRootCommand(["config"])))]).toEqual(["config"])
  })

  it("only our own words are command names", () => {
    expect(isCommandName("config")).toBe(true)
    expect(isCommandName("exec-approvals")).toBe(false)
    expect(isCommandName("toString")).toBe(false)
    expect(isCommandName(undefined)).toBe(false)
  })
})
