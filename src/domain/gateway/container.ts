/** Files whose presence marks a container (Docker, Podman). */
export const CONTAINER_SENTINELS: ReadonlyArray<string> = ["/.dockerenv", "/run/.containerenv", "/var/run/.containerenv"]

// PID 1's cgroup inside Docker, containerd, Kubernetes or LXC.
const CONTAINER_CGROUP = /\/docker\/|cri-containerd-[0-9a-f]|containerd\/[0-9a-f]{64}|\/kubepods[/.]|\blxc\b/u

/** Whether this process runs in a container, from what the host shows (the original's signals). */
export const looksLikeContainer = (input: {
  readonly env: Readonly<Record<string, string | undefined>>
  /** The sentinels of CONTAINER_SENTINELS that exist. */
  readonly sentinels: ReadonlyArray<string>
  readonly pid1Cgroup: string | undefined
}): boolean => {
  if (input.env["FLY_MACHINE_ID"]?.trim() && input.env["FLY_APP_NAME"]?.trim()) return true
  if (input.sentinels.length > 0) return true
  return input.pid1Cgroup !== undefined && CONTAINER_CGROUP.test(input.pid1Cgroup)
}
