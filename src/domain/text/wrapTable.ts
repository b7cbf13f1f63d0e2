/** Greedy word wrap; a word longer than the width is cut. */
const wrapCell = (text: string, width: number): ReadonlyArray<string> => {
  const lines: Array<string> = []
  let line = ""
  for (const word of text.split(" ")) {
    let rest = word
    while (rest.length > width) {
      if (line.length > 0) {
        lines.push(line)
        line = ""
      }
      lines.push(rest.slice(0, width))
      rest = rest.slice(width)
    }
    if (line.length === 0) line = rest
    else if (line.length + 1 + rest.length <= width) line = `${line} ${rest}`
    else {
      lines.push(line)
      line = rest
    }
  }
  lines.push(line)
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
