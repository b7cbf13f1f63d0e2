/** A trimmed string with something in it, else `undefined` (unset and blank env values read as absent). */
export const nonEmpty = (value: string | undefined) => (value !== undefined && value.trim() !== "" ? value.trim() : undefined)
