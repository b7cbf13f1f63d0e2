import { Layer, Schedule } from "effect"
import { MAX_BUFFERED_BYTES } from "../../domain/protocol/frames.js"
import { GatewayPolicy } from "../../services/GatewayPolicy.js"

/** Default gateway timings and limits: 15 s ticks and handshakes, 5 s drain, bind retried 20 x 500 ms, locks polled every 100 ms for 5 s, 32 requests in flight per socket. */
export const GatewayPolicyLive = Layer.succeed(GatewayPolicy, {
  tickInterval: "15 seconds",
  handshakeTimeout: "15 seconds",
  presenceCoalesce: "250 millis",
  // 1,000 clients x a 230 KB list is 230 MB per event: at this budget one event per ~7 s instead of one per burst.
  presenceBytesPerSecond: 32 * 1024 * 1024,
  healthCacheTtl: "1 second",
  // 32 in flight is what a pipelining client (and the bench) keeps busy; read-ahead holds the next batch.
  socketFlow: {
    maxInFlight: 32,
    framesPerTurn: 32,
    maxQueuedFrames: 256,
    maxQueuedBytes: 4 * 1024 * 1024,
    pauseBufferedBytes: 1024 * 1024,
    maxBufferedBytes: MAX_BUFFERED_BYTES
  },
  shutdownAnnounce: "20 millis",
  drainPoll: "20 millis",
  drainTimeout: "5 seconds",
  // The original's bound for a safe restart: then the restart is forced.
  restartDrainBudget: "5 minutes",
  restartPoll: "250 millis",
  closeGrace: "1 second",
  closeTimeout: "3 seconds",
  bindRetry: Schedule.spaced("500 millis").pipe(Schedule.compose(Schedule.recurs(20))),
  lockPoll: Schedule.spaced("100 millis"),
  lockTimeout: "5 seconds"
})
