import { Layer } from "effect"
import { CommandRunnerLive } from "../../layers/supervisor/CommandRunnerLive.js"
import { ServiceManagerLive } from "../../layers/supervisor/ServiceManagerLive.js"

/** The host's service manager as every CLI command sees it (real supervisor commands as child processes). */
export const CliServiceManagerLive = ServiceManagerLive().pipe(Layer.provide(CommandRunnerLive))
