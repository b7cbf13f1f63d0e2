/** `12s ago`, `3m ago`, `2h ago`, `4d ago`: how long before `nowMs` a moment was. */
export const ago = (nowMs: number, thenMs: number): string => {
  const s = Math.max(0, Math.round((nowMs - thenMs) / 1000))
  if (s < 60) return `${s}s ago`
  if (s < 3600) return `${Math.round(s / 60)}m ago`
  if (s < 86_400) return `${Math.round(s / 3600)}h ago`
  return `${Math.round(s / 86_400)}d ago`
}
