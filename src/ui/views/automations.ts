import { h, isRecord, list, str, table, when } from "../dom.js"
import { button, errorBox, loadInto, section, type View } from "./view.js"

const schedule = (value: unknown) => {
  if (!isRecord(value)) return str(value)
  switch (value["kind"]) {
    case "cron": return `cron ${str(value["expr"])}${value["tz"] === undefined ? "" : ` (${str(value["tz"])})`}`
    case "every": {
      const s = Math.round(Number(value["everyMs"]) / 1000)
      return `every ${s % 3600 === 0 ? `${s / 3600} h` : s % 60 === 0 ? `${s / 60} min` : `${s} s`}`
    }
    case "at": return `at ${str(value["at"])}`
    case "on-exit": return `on exit: ${str(value["command"])}`
    case "stream": return `stream: ${Array.isArray(value["command"]) ? value["command"].map(str).join(" ") : str(value["command"])}`
    default: return str(value["kind"])
  }
}

/** Cron jobs (`cron.list`), their recent runs (`cron.runs`) and "Run now" (`cron.run`). */
export const automationsView: View = (root, ctx) => {
  const jobs = h("div", {})
  const runs = h("div", {})
  const notice = h("div", { role: "status" })
  root.append(notice, section("Scheduled jobs", [button("Refresh", () => reloadJobs())], jobs), section("Recent runs", [button("Refresh", () => reloadRuns())], runs))
  const reloadJobs = loadInto(jobs, async () => {
    const result = await ctx.client.request<Record<string, unknown>>("cron.list", { includeDisabled: true })
    return table(["Job", "Schedule", "Enabled", "Next run", "Last run", ""], list(result["jobs"]).map((job) => {
      const state = isRecord(job["state"]) ? job["state"] : {}
      return [
        str(job["name"]) || str(job["id"]), schedule(job["schedule"]), job["enabled"] === false ? "no" : "yes", when(Number(state["nextRunAtMs"])),
        `${when(Number(state["lastRunAtMs"]))} ${str(state["lastStatus"] ?? state["lastRunStatus"])}`.trim(),
        button("Run now", async () => {
          notice.replaceChildren()
          try {
            await ctx.client.request("cron.run", { id: job["id"], mode: "force" })
            notice.replaceChildren(h("p", { class: "ok-line" }, `Started ${str(job["name"]) || str(job["id"])}`))
            reloadRuns()
          } catch (error) {
            notice.replaceChildren(errorBox(error))
          }
        })
      ]
    }), "No jobs (openclaw cron add)")
  })
  const reloadRuns = loadInto(runs, async () => {
    const result = await ctx.client.request<Record<string, unknown>>("cron.runs", { limit: 50 })
    const entries = list(result["entries"] ?? result["runs"])
    return table(["Job", "Started", "Status", "Duration", "Summary"], entries.map((run) => [
      str(run["jobName"] ?? run["jobId"]), when(Number(run["runAtMs"] ?? run["ts"])), str(run["status"]), run["durationMs"] === undefined ? "—" : `${str(run["durationMs"])} ms`,
      str(run["summary"] ?? run["error"]).slice(0, 160)
    ]), "No runs yet")
  })
  return ctx.onEvent((event) => {
    if (event === "cron") {
      reloadJobs()
      reloadRuns()
    }
  })
}
