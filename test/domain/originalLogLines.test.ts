import { describe, expect, it } from "@effect/vitest"
import { formatLogLine, parseLogLine } from "../../src/domain/logs/formatLogLine.js"

// Lines of the original 2026.9.6's log file: the first from ../shared/reference/original-captures/
// log-excerpt-heartbeat.txt, the others recorded from the same file (paths shortened, `_meta.path` dropped),
// with what the original's `openclaw logs --plain` printed for each.
const ORIGINAL_LINES: ReadonlyArray<readonly [string, string]> = [
  [
    `{"0":"{\\"subsystem\\":\\"gateway/heartbeat\\"}","1":{"intervalMs":1800000},"2":"heartbeat: started","_meta":{"runtime":"node","runtimeVersion":"24.21.0","hostname":"vm","date":"2026-12-06T14:23:22.717Z","logLevelId":3,"logLevelName":"INFO","name":"{\\"subsystem\\":\\"gateway/heartbeat\\"}","parentNames":["openclaw"]},"time":"2026-12-06T14:23:22.717+00:00","hostname":"vm","message":"heartbeat: started"}`,
    "2026-12-06T14:23:22.717+00:00 info gateway/heartbeat heartbeat: started"
  ],
  [
    `{"0":"{\\"module\\":\\"cron\\",\\"storeKey\\":\\"<home>/.openclaw/cron/jobs.json\\"}","1":{"jobId":"4aa78e26","timerArmed":true},"2":"cron: job added","_meta":{"runtime":"node","hostname":"vm","date":"2026-12-06T18:07:50.739Z","logLevelId":3,"logLevelName":"INFO","name":"{\\"module\\":\\"cron\\",\\"storeKey\\":\\"<home>/.openclaw/cron/jobs.json\\"}","parentNames":["openclaw"]},"time":"2026-12-06T18:07:50.739+00:00","hostname":"vm","message":"cron: job added"}`,
    "2026-12-06T18:07:50.739+00:00 info cron cron: job added"
  ],
  [
    `{"0":"Updated gateway.mode. Restart the gateway to apply.","_meta":{"runtime":"node","hostname":"vm","date":"2026-12-06T18:06:40.508Z","logLevelId":3,"logLevelName":"INFO","name":"openclaw"},"time":"2026-12-06T18:06:40.508+00:00","hostname":"vm"}`,
    "2026-12-06T18:06:40.508+00:00 info Updated gateway.mode. Restart the gateway to apply."
  ]
]

describe("openclaw logs renders the original's log lines", () => {
  it("as time level subsystem message, like the original's `logs --plain`, not as raw JSON", () => {
    for (const [raw, printed] of ORIGINAL_LINES) {
      // The original's times carry +00:00; shown in a zero offset they read the same.
      expect(formatLogLine(parseLogLine(raw), { utc: false, offsetMinutesOf: () => 0 })).toBe(printed)
    }
  })

  it("a warning keeps its level; a line with no message field joins its text arguments", () => {
    const warn = `{"0":"{\\"subsystem\\":\\"gateway/ws\\"}","1":"closed before connect","_meta":{"date":"2026-12-06T18:08:02.278Z","logLevelName":"WARN","name":"{\\"subsystem\\":\\"gateway/ws\\"}"}}`
    expect(formatLogLine(parseLogLine(warn), { utc: true, offsetMinutesOf: () => 0 })).toBe("2026-12-06T18:08:02.278Z warn gateway/ws closed before connect")
  })
})
