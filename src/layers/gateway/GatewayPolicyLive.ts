import { Layer, Schedule } from "effect"
import { GatewayPolicy } from "../../services/GatewayPolicy.js"

/** Default gateway timings: 15 s ticks and handshakes, 5 s drain, bind retried 20 x 500 ms, locks polled every 100 ms for 5 s. */
export const GatewayPolicyLive = Layer.succeed(GatewayPolicy, {
  tickInterval: "15 seconds",
  handshakeTimeout: "15 seconds",
  presenceCoalesce: "250 millis",
  shutdownAnnounce: "20 millis",
  drainPoll: "20 millis",
  drainTimeout: "5 seconds",
  closeGrace: "1 second",
  closeTimeout: "3 seconds",
  bindRetry: Schedule.spaced("500 millis").pipe(Schedule.compose(Schedule.recurs(20))),
  lockPoll: Schedule.spaced("100 millis"),
  lockTimeout: "5 seconds"
})
