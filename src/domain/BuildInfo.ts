/** This build's calendar version; `package.json` carries the same string (a test keeps them equal). */
export const VERSION = "2026.11.25"
