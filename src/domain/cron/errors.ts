import { Schema } from "effect"

/** No job has this id (the original's words, with the command that lists ids). */
export class CronJobNotFound extends Schema.TaggedError<CronJobNotFound>()("CronJobNotFound", {
  code: Schema.tag("CRON_JOB_NOT_FOUND"),
  message: Schema.String,
  id: Schema.String
}) {
  static of(id: string) {
    return new CronJobNotFound({ id, message: `Automation not found: ${id}. Run \`openclaw cron list\` to see recent automation ids.` })
  }
}

/** A job definition the scheduler cannot run (bad schedule, time zone, payload). */
export class CronJobInvalid extends Schema.TaggedError<CronJobInvalid>()("CronJobInvalid", {
  code: Schema.tag("CRON_JOB_INVALID"),
  message: Schema.String
}) {}
