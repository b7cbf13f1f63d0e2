/**
 * Word wrap as the original's tables do it: each word but the last carries its trailing space when
 * measured, and a word too long for a line is cut every `width` characters.
 */
const wrapCell = (text: string, width: number): ReadonlyArray<string> => {
  const words = text.split(" ")
  const lines: Array<string> = []
  let line = ""
  words.forEach((word, index) => {
    const space = index < words.length - 1 ? " " : ""
    let rest = word
    while (rest.length > width) {
      if (line.length > 0) lines.push(line.trimEnd())
      line = ""
      lines.push(rest.slice(0, width))
      rest = rest.slice(width)
    }
    const unit = rest + space
    if (line.length + unit.length <= width) line += unit
    else {
      lines.push(line.trimEnd())
      line = unit
    }
  })
  lines.push(line.trimEnd())
  return lines
}

/** A box-drawn table with fixed column widths, every column wrapping (the original's approvals layout). */
export const wrapTable = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>, widths: ReadonlyArray<number>): string => {
  const rule = (l: string, m: string, r: string) => `${l}${widths.map((w) => "─".repeat(w + 2)).join(m)}${r}`
  const row = (cells: ReadonlyArray<string>) => {
    const wrapped = cells.map((c, i) => wrapCell(c, widths[i] ?? 10))
    const height = Math.max(...wrapped.map((w) => w.length))
    return Array.from({ length: height }, (_, n) => `│ ${wrapped.map((w, i) => (w[n] ?? "").padEnd(widths[i] ?? 0)).join(" │ ")} │`)
  }
  return [rule("┌", "┬", "┐"), ...row(header), rule("├", "┼", "┤"), ...rows.flatMap(row), rule("└", "┴", "┘")].join("\n")
}
