import type * as FileSystem from "@effect/platform/FileSystem"
import type { Effect, Option } from "effect"
import type { ResolvedPaths } from "../../domain/Paths.js"
import type { ConfigPolicy } from "../../services/ConfigPolicy.js"
import type { ConfigStore } from "../../services/ConfigStore.js"
import type { DoctorPolicy } from "../../services/DoctorPolicy.js"
import type { ServiceManager } from "../../services/ServiceManager.js"
import type { StateFiles } from "../../services/StateFiles.js"

/** What the doctor's repair and fact-gathering steps work with, resolved once when the layer is built. */
export interface DoctorDeps {
  readonly store: ConfigStore["Type"]
  readonly paths: ResolvedPaths
  readonly env: Readonly<Record<string, string | undefined>>
  /** In a container the gateway's default bind is `auto` (all interfaces), which needs auth; detected when first asked. */
  readonly inContainer: Effect.Effect<boolean>
  readonly configPolicy: ConfigPolicy["Type"]
  readonly policy: DoctorPolicy["Type"]
  readonly fs: FileSystem.FileSystem
  readonly stateFiles: StateFiles["Type"]
  /** Absent when this build or host has no service manager layer. */
  readonly services: Option.Option<ServiceManager["Type"]>
}
