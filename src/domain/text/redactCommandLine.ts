/** A process command line with `--token`/`--password` values (and `*_TOKEN=`-style args) masked. */
export const redactCommandLine = (command: string) =>
  command
    .replace(/(--(?:token|password)[= ])\S+/gi, "$1***")
    .replace(/\b([A-Z_]*(?:TOKEN|PASSWORD|SECRET|KEY)=)\S+/g, "$1***")
