import { Console, Effect, Schema } from "effect"
import { NodeServiceStatusReport, nodeServiceReport, renderNodeServiceStatus } from "../../domain/supervisor/nodeServiceStatus.js"
import { nonEmpty } from "../../domain/text/nonEmpty.js"
import { Host } from "../../services/Host.js"
import { type InstallOptions, NodeServiceManager } from "../../services/ServiceManager.js"
import { serviceAction, serviceInstall } from "./service.js"

/** `openclaw node status [--json]`: the node host service; a host without a supervisor still answers (exit 0), as the original. */
export const nodeServiceStatus = (json: boolean) =>
  Effect.gen(function*() {
    const manager = yield* NodeServiceManager
    const host = yield* Host
    const status = yield* manager.status.pipe(
      Effect.catchTag("ServiceManagerUnavailable", (error) => Effect.succeed({ unavailable: error.message }))
    )
    if (json) {
      yield* Console.log(JSON.stringify(Schema.encodeSync(NodeServiceStatusReport)(nodeServiceReport(status)), null, 2))
      return
    }
    const rendered = renderNodeServiceStatus(status, nonEmpty(host.env["HOME"]) ?? host.osHome)
    for (const line of rendered.stdout) yield* Console.log(line)
    for (const line of rendered.stderr) yield* Console.error(line)
  })

/** `openclaw node install [flags] [--force] [--json]`. */
export const nodeServiceInstall = (options: InstallOptions, json: boolean) => serviceInstall(options, json, NodeServiceManager)

/** `openclaw node start|stop|restart|uninstall [--json]`. */
export const nodeServiceAction = (action: "start" | "stop" | "restart" | "uninstall", json: boolean) => serviceAction(action, json, NodeServiceManager)
