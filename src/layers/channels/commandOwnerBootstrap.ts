import { Effect } from "effect"
import { isRecord } from "../../domain/isRecord.js"
import { ConfigEditor } from "../../services/ConfigEditor.js"
import { ConfigStore } from "../../services/ConfigStore.js"

/**
 * The first approved DM sender becomes the command owner (`commands.ownerAllowFrom`, `<channel>:<id>`)
 * when none is configured, as the original's pairing approval does; an existing owner list is left alone.
 */
export const bootstrapCommandOwner = (channel: string, senderId: string) =>
  Effect.gen(function*() {
    const authored = (yield* (yield* ConfigStore).read).authored
    const commands = isRecord(authored) ? authored["commands"] : undefined
    const owners = isRecord(commands) ? commands["ownerAllowFrom"] : undefined
    if (Array.isArray(owners) && owners.length > 0) return { status: "already-configured" as const }
    const owner = `${channel}:${senderId}`
    yield* (yield* ConfigEditor).apply([{ _tag: "Patch", patch: { commands: { ownerAllowFrom: [owner] } }, replacePaths: [] }])
    return { status: "configured" as const, owner }
  })
