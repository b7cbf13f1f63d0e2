import { Effect } from "effect"
import { ConfigIoError, StateIoError } from "../../domain/errors.js"

/** Reports a state-file failure on `openclaw.json` or its siblings as ConfigIoError, the error the config contracts name. */
export const asConfigIo = <A, E, R>(effect: Effect.Effect<A, E | StateIoError, R>): Effect.Effect<A, Exclude<E, StateIoError> | ConfigIoError, R> =>
  Effect.catchIf(
    effect,
    (e): e is StateIoError => e instanceof StateIoError,
    (e) => Effect.fail(new ConfigIoError({ message: e.message, path: e.path }))
  )
