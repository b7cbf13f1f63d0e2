import { Layer } from "effect"
import { ChannelPairingMethodsLive } from "../../channels/channelPairingMethods.js"
import { AbsentConceptMethodsLive } from "./absentConceptMethods.js"
import { SystemMethodsLive } from "./systemMethods.js"
import { UiSessionMethodsLive } from "./uiSessionMethods.js"
import { UserPrefsMethodsLive } from "./userPrefsMethods.js"

/**
 * Every method the original Control UI calls on boot and in its views that the other features do not
 * serve (spec control-ui.md section 5). Needs the agent stack (sessions, models) and the host services.
 */
export const ControlUiMethodsLive = Layer.mergeAll(
  AbsentConceptMethodsLive,
  SystemMethodsLive,
  UserPrefsMethodsLive,
  ChannelPairingMethodsLive,
  UiSessionMethodsLive
)
