import { Layer } from "effect"
import { DoctorPolicy } from "../../services/DoctorPolicy.js"

/** Default doctor timings: a port probe gets 1.5 s; an ownerless lock is stale after 30 minutes. */
export const DoctorPolicyLive = Layer.succeed(DoctorPolicy, { probeTimeout: "1500 millis", malformedLockAge: "30 minutes" })
