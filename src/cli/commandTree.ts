import type { CommandDescriptor, HelpDoc } from "@effect/cli"

// The descriptor tree as @effect/cli 0.77 builds it. `CommandDescriptor.getSubcommands` flattens one
// level and loses grandchildren, so the path is walked on the tree itself.
export type Node =
  | { readonly _tag: "Standard" | "GetUserInput"; readonly name: string; readonly description?: HelpDoc.HelpDoc }
  | { readonly _tag: "Map"; readonly command: Node }
  | { readonly _tag: "Subcommands"; readonly parent: Node; readonly children: ReadonlyArray<Node> }

/** A command node's name. */
export const nameOf = (node: Node): string => (node._tag === "Map" ? nameOf(node.command) : node._tag === "Subcommands" ? nameOf(node.parent) : node.name)
/** A command node's subcommands. */
export const childrenOf = (node: Node): ReadonlyArray<Node> => (node._tag === "Map" ? childrenOf(node.command) : node._tag === "Subcommands" ? node.children : [])

/** The names of a command's subcommands. */
export const subcommandNames = (command: CommandDescriptor.Command<unknown>): ReadonlyArray<string> =>
  childrenOf(command as unknown as Node).map(nameOf)

/** The command at `path` under `root` and how many words of the path matched. */
export const findCommand = (root: CommandDescriptor.Command<unknown>, path: ReadonlyArray<string>) => {
  let node = root as unknown as Node
  let depth = 0
  for (const word of path) {
    const next = childrenOf(node).find((child) => nameOf(child) === word)
    if (next === undefined) break
    node = next
    depth++
  }
  return { command: node as unknown as CommandDescriptor.Command<unknown>, depth }
}
