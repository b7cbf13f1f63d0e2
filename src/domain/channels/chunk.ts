/**
 * Splits outbound text into pieces a platform accepts (Telegram: 4096 characters), cutting at the
 * last paragraph break, else line break, else space inside the limit, so words stay whole when they can.
 * Lengths count UTF-16 code units, as Telegram does; a surrogate pair is never split.
 */
export const chunkText = (text: string, limit: number): ReadonlyArray<string> => {
  if (limit <= 0 || text.length <= limit) return text.length === 0 ? [] : [text]
  const out: Array<string> = []
  let rest = text
  while (rest.length > limit) {
    const window = rest.slice(0, limit)
    let cut = window.lastIndexOf("\n\n")
    if (cut < limit / 2) cut = window.lastIndexOf("\n")
    if (cut < limit / 2) cut = window.lastIndexOf(" ")
    if (cut < limit / 2) {
      cut = limit
      const code = rest.charCodeAt(cut - 1)
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1
    }
    out.push(rest.slice(0, cut))
    rest = rest.slice(cut).replace(/^(?:\n\n|\n| )/, "")
  }
  if (rest.length > 0) out.push(rest)
  return out
}
