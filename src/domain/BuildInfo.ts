/** This build's calendar version; `package.json` carries the same string (a test keeps them equal). */
export const VERSION = "2026.11.25"

/** This build's id as `hello-ok.server.buildId` carries it (the original: `<version>-release-<commit>-<date>`). */
export const BUILD_ID = `${VERSION}-clawgate`
