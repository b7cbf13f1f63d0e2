/**
 * Whether this version's gateway serves a Control UI page (`src/ui`, bundled to dist/control-ui). Kept as
 * one switch so a build without the page never advertises a `Dashboard:` URL as if a page were there.
 */
export const CONTROL_UI_SERVED = true

/** What a report shows for the dashboard: the URL where a page is served, else why there is none. */
export const dashboardAdvert = (url: string | null): string =>
  CONTROL_UI_SERVED
    ? url ?? "disabled (gateway.controlUi.enabled is false)"
    : "not served by this version (no Control UI page yet)"
