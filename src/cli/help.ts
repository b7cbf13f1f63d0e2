import { type CliConfig, CommandDescriptor, type HelpDoc, type Usage } from "@effect/cli"
import type { Span } from "@effect/cli/HelpDoc/Span"
import { Option } from "effect"
import { childrenOf, nameOf, type Node } from "./commandTree.js"

// @effect/cli restates each option's type in words; our descriptions say what an option is for.
const TYPE_WORDS = /^(A true or false value\.|A user-defined piece of text( that is confidential)?\.|An integer\.|A floating point number\.|(An existing |A )(file|directory|file or directory)( that must not exist)?\.|This setting is optional\.|This option may be repeated zero or more times\.|This argument may be repeated zero or more times\.)$/

const spanText = (span: Span): string => {
  switch (span._tag) {
    case "Text":
    case "URI":
      return span.value
    case "Sequence":
      return spanText(span.left) + spanText(span.right)
    default:
      return spanText(span.value)
  }
}

/** `--port integer` reads as `--port <n>`: the value's placeholder, not its type's name. */
const placeholders = (term: string) =>
  term.replace(/ (text|integer|file|directory)(\.\.\.)?$/, (_, type: string, more: string | undefined) => ` <${type === "integer" ? "n" : type === "text" ? "value" : type}>${more ?? ""}`)

/** Plain-text lines of a help document, without colour and without the type boilerplate. */
const docLines = (doc: HelpDoc.HelpDoc, indent: string): Array<string> => {
  switch (doc._tag) {
    case "Empty":
      return []
    case "Header":
      return ["", spanText(doc.value).toUpperCase()]
    case "Paragraph": {
      const text = spanText(doc.value).trim()
      const defaulted = /^This setting is optional\. Defaults to: (.*)$/.exec(text)
      if (defaulted !== null) return [`${indent}Default: ${defaulted[1]}`]
      if (text === "" || TYPE_WORDS.test(text)) return []
      return [`${indent}${text.replace(/^One of the following: /, "One of: ")}`]
    }
    case "DescriptionList":
      return doc.definitions.flatMap(([term, body]) => [`  ${placeholders(spanText(term))}`, ...docLines(body, "      ")])
    case "Enumeration":
      return doc.elements.flatMap((element) => docLines(element, `${indent}- `))
    case "Sequence":
      return [...docLines(doc.left, indent), ...docLines(doc.right, indent)]
  }
}

/** A usage line as a person reads it: `[x]` optional, `[x]...` repeatable, `a | b` alternatives. */
const usageText = (usage: Usage.Usage): string => {
  switch (usage._tag) {
    case "Empty":
      return ""
    case "Mixed":
      return "<command>"
    case "Named": {
      const name = usage.names[0] ?? ""
      const value = Option.getOrUndefined(usage.acceptedValues)
      return value === undefined ? name : name.startsWith("-") ? placeholders(`${name} ${value}`).replace(/ ([^<].*)$/, " <$1>") : `<${name}>`
    }
    case "Optional": {
      const inner = usageText(usage.usage)
      return inner === "" ? "" : `[${inner}]`
    }
    case "Repeated": {
      const inner = usageText(usage.usage).replace(/^\[(.*)\]$/, "$1")
      return inner === "" ? "" : `[${inner}]...`
    }
    case "Alternation":
      return `${usageText(usage.left)} | ${usageText(usage.right)}`
    case "Concat":
      return [usageText(usage.left), usageText(usage.right)].filter((part) => part !== "").join(" ")
  }
}

const summaryOf = (node: Node): string =>
  node._tag === "Map" ? summaryOf(node.command)
  : node._tag === "Subcommands" ? summaryOf(node.parent)
  : node.description === undefined ? "" : (docLines(node.description, "")[0] ?? "")

/** `openclaw <path> --help`: the full usage line, the description, then arguments, options and subcommands. */
export const commandHelp = (command: CommandDescriptor.Command<unknown>, path: ReadonlyArray<string>, config: CliConfig.CliConfig): string => {
  const children = childrenOf(command as unknown as Node)
  const own = usageText(CommandDescriptor.getUsage(command)).replace(/ <command>$/, "")
  // A group that runs by itself (it has options of its own, like `gateway`) takes its subcommand optionally.
  const subcommand = children.length === 0 ? [] : [own.includes(" ") ? "[<command>]" : "<command>"]
  const usage = ["openclaw", ...path.slice(0, -1), own, ...subcommand].filter((part) => part !== "").join(" ")
  const lines = docLines(CommandDescriptor.getHelp(command, config), "  ")
  // @effect/cli lists subcommands with their whole usage; one line each reads better.
  const commandsAt = lines.indexOf("COMMANDS")
  const body = commandsAt === -1 ? lines : lines.slice(0, commandsAt)
  const width = Math.max(0, ...children.map((child) => nameOf(child).length))
  const listing = children.length === 0 ? [] : [
    "COMMANDS",
    ...children.map((child) => `  ${nameOf(child).padEnd(width)}  ${summaryOf(child)}`),
    "",
    `Run \`openclaw ${path.join(" ")} <command> --help\` for a command's options.`
  ]
  return `${["USAGE", `  ${usage}`, ...body, ...(listing.length === 0 ? [] : ["", ...listing])].join("\n").replace(/\n{3,}/g, "\n\n")}\n`
}
