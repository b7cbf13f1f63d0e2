/** A path under the home directory written as `~/...`, as the CLI prints paths. */
export const shortenHome = (file: string, home: string) => (home !== "" && file.startsWith(`${home}/`) ? `~${file.slice(home.length)}` : file)
