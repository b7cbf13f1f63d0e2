import type { CronJob } from "./job.js"

/** The original's words when an announce has no channel to go to. */
export const CHANNEL_REQUIRED =
  "Channel is required (no configured channels detected). Run openclaw channels add to configure one, or pass --channel <channel> after enabling a channel. Use openclaw channels list --all to see available channel ids. Set delivery.channel explicitly or use a main session with a previous channel."

/** How `cron.list` describes where a job's result goes. */
export interface DeliveryPreview {
  readonly label: string
  readonly detail: string
}

/**
 * `not requested`, `announce -> <channel>` with whether it resolves now (`routable` says if the channel
 * has a route: an explicit `to`, or a last route for `last`), or `webhook -> <url>`.
 */
export const deliveryPreview = (job: CronJob, routable: boolean): DeliveryPreview => {
  const delivery = job.delivery
  if (delivery === undefined || delivery.mode === "none") return { label: "not requested", detail: "not requested" }
  if (delivery.mode === "webhook") return { label: `webhook -> ${delivery.to ?? "-"}`, detail: `POST ${delivery.to ?? "-"}` }
  const channel = delivery.channel ?? "last"
  const label = `announce -> ${channel}`
  if (!routable) return { label, detail: `${channel} -> no route, will fail-closed: ${CHANNEL_REQUIRED}` }
  return { label, detail: `${channel} -> ${delivery.to ?? "last route"}${delivery.accountId === undefined ? "" : ` (account ${delivery.accountId})`}` }
}
