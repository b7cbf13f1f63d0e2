import { parseDurationMs } from "../cron/duration.js"

/** One periodic task from a `tasks:` block of HEARTBEAT.md. */
export interface HeartbeatTask {
  readonly name: string
  readonly intervalMs: number | undefined
  readonly prompt: string
}

/** HEARTBEAT.md split into its `tasks:` entries and the rest of its prose. */
export interface ParsedHeartbeatFile {
  readonly tasks: ReadonlyArray<HeartbeatTask>
  /** True when the file has a `tasks:` block (task mode), even an empty one. */
  readonly taskMode: boolean
  /** The lines outside the `tasks:` block, trimmed. */
  readonly prose: string
}

const BLANK = /^\s*$/
const HEADING = /^#+(\s|$)/
const EMPTY_ITEM = /^[-*+]\s*(\[[\sXx]?\]\s*)?$/
const FENCE = /^```[A-Za-z0-9_-]*$/
const COMMENT_LINE = /^<!--.*-->$/

/**
 * True when the file holds nothing to act on: every line is blank, an ATX heading, an empty list item
 * or checkbox, a code fence, or an HTML comment (whole-line or spanning lines). The heartbeat then
 * skips the model call (`empty-heartbeat-file`).
 */
export const isEffectivelyEmpty = (text: string): boolean => {
  const withoutComments = text.replace(/<!--[\s\S]*?-->/g, "")
  return withoutComments.split(/\r?\n/).every((raw) => {
    const line = raw.trim()
    return BLANK.test(line) || HEADING.test(line) || EMPTY_ITEM.test(line) || FENCE.test(line) || COMMENT_LINE.test(line)
  })
}

const unquote = (value: string) => {
  const v = value.trim()
  return (v.startsWith("\"") && v.endsWith("\"") && v.length >= 2) || (v.startsWith("'") && v.endsWith("'") && v.length >= 2)
    ? v.slice(1, -1).replace(/\\"/g, "\"")
    : v
}

/**
 * Parses HEARTBEAT.md: a `tasks:` line starts a block of `- name: <n>` items with indented
 * `interval: <duration>` and `prompt: "<text>"`; the block ends at the first unindented line that is
 * not a `-` item. Everything else is prose.
 */
export const parseHeartbeatFile = (text: string): ParsedHeartbeatFile => {
  const lines = text.split(/\r?\n/)
  const tasks: Array<{ name: string; interval?: string; prompt?: string }> = []
  const prose: Array<string> = []
  let inBlock = false
  let taskMode = false
  for (const line of lines) {
    if (!inBlock && /^tasks:\s*$/.test(line.trim()) && !/^\s/.test(line)) {
      inBlock = true
      taskMode = true
      continue
    }
    if (inBlock) {
      if (line.trim() === "") continue
      const indented = /^\s/.test(line)
      const item = /^\s*-\s+name:\s*(.*)$/.exec(line)
      if (item !== null) {
        tasks.push({ name: unquote(item[1] ?? "") })
        continue
      }
      if (indented) {
        const field = /^\s+(interval|prompt):\s*(.*)$/.exec(line)
        const current = tasks[tasks.length - 1]
        if (field !== null && current !== undefined) {
          if (field[1] === "interval") current.interval = unquote(field[2] ?? "")
          else current.prompt = unquote(field[2] ?? "")
        }
        continue
      }
      if (line.trimStart().startsWith("-")) continue
      inBlock = false
    }
    prose.push(line)
  }
  return {
    taskMode,
    tasks: tasks.filter((t) => t.name !== "").map((t) => ({
      name: t.name,
      intervalMs: t.interval === undefined ? undefined : parseDurationMs(t.interval),
      prompt: t.prompt ?? ""
    })),
    prose: prose.join("\n").trim()
  }
}

/** Tasks due now: never run, no interval, or `now - last >= interval`. */
export const dueTasks = (
  tasks: ReadonlyArray<HeartbeatTask>,
  lastRunAtMs: Readonly<Record<string, number>>,
  nowMs: number
): ReadonlyArray<HeartbeatTask> =>
  tasks.filter((task) => {
    const last = lastRunAtMs[task.name]
    return last === undefined || task.intervalMs === undefined || nowMs - last >= task.intervalMs
  })

/** The prompt of a task-mode heartbeat: the due tasks, the closing instruction, then the file's other prose. */
export const taskPrompt = (due: ReadonlyArray<HeartbeatTask>, prose: string): string => {
  const lines = [
    "Run the following periodic tasks (only those due based on their intervals):",
    ...due.map((task) => `- ${task.name}: ${task.prompt}`),
    "",
    "After completing all due tasks, reply HEARTBEAT_OK."
  ]
  const extra = prose === "" || isEffectivelyEmpty(prose) ? [] : ["", `Additional context from HEARTBEAT.md:\n${prose}`]
  return [...lines, ...extra].join("\n")
}

/** The heartbeat prompt when none is configured (the legacy runtime's, which reads HEARTBEAT.md). */
export const DEFAULT_HEARTBEAT_PROMPT =
  "Read HEARTBEAT.md if it exists (workspace context). Follow it strictly. Do not infer or repeat old tasks from prior chats. If nothing needs attention, reply HEARTBEAT_OK."
