const wrap = (text: string, width: number): ReadonlyArray<string> => {
  if (text.length <= width) return [text]
  const lines: Array<string> = []
  let rest = text
  while (rest.length > width) {
    const cut = rest.lastIndexOf(" ", width)
    const at = cut > width / 2 ? cut : width
    lines.push(rest.slice(0, at).trimEnd())
    rest = rest.slice(at).trimStart()
  }
  if (rest.length > 0) lines.push(rest)
  return lines
}

/** A box-drawn table (the original's `status` layout); the last column wraps to fit `maxWidth`. */
export const boxTable = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>, maxWidth = 120): string => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)))
  const last = widths.length - 1
  const fixed = widths.slice(0, last).reduce((a, w) => a + w + 3, 0) + 4
  widths[last] = Math.max(10, Math.min(widths[last] ?? 10, maxWidth - fixed))
  const rule = (l: string, m: string, r: string) => `${l}${widths.map((w) => "─".repeat(w + 2)).join(m)}${r}`
  const row = (cells: ReadonlyArray<string>) => {
    const wrapped = cells.map((c, i) => (i === last ? wrap(c, widths[i] ?? 10) : [c]))
    const height = Math.max(...wrapped.map((w) => w.length))
    return Array.from({ length: height }, (_, n) => `│ ${wrapped.map((w, i) => (w[n] ?? "").padEnd(widths[i] ?? 0)).join(" │ ")} │`)
  }
  return [rule("┌", "┬", "┐"), ...row(header), rule("├", "┼", "┤"), ...rows.flatMap(row), rule("└", "┴", "┘")].join("\n")
}
