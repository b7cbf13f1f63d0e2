/** A numeric model parameter (temperature, top_p, ...) when the config gives a number. */
export const numberParam = (params: Readonly<Record<string, unknown>>, key: string) => {
  const value = params[key]
  return typeof value === "number" ? value : undefined
}
