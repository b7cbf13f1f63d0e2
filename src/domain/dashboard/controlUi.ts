/**
 * Whether this version's gateway serves a Control UI page. Until it does, no command advertises a
 * `Dashboard:` URL as if a page were there.
 */
export const CONTROL_UI_SERVED = false

/** What a report shows for the dashboard: the URL where a page is served, else why there is none. */
export const dashboardAdvert = (url: string | null): string => (CONTROL_UI_SERVED && url !== null ? url : "not served by this version (no Control UI page yet)")
