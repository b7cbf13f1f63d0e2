// Every read-only `openclaw` command (nothing written, nothing started): what bench/cli-start.mjs times and
// what scripts/bundle.mjs runs to train the V8 code cache. `gateway: true` commands talk to a gateway.
export const READ_ONLY_COMMANDS = [
  { args: ["--version"] },
  { args: ["--help"] },
  { args: ["config", "--help"] },
  { args: ["config", "file"] },
  { args: ["config", "get", "gateway.port"] },
  { args: ["config", "validate"] },
  { args: ["config", "validate", "--json"] },
  { args: ["config", "schema"] },
  { args: ["health"], gateway: true },
  { args: ["health", "--json"], gateway: true },
  { args: ["status"], gateway: true },
  { args: ["status", "--json"], gateway: true },
  { args: ["gateway", "status", "--json"], gateway: true },
  { args: ["gateway", "probe", "--json"], gateway: true },
  { args: ["devices", "list"], gateway: true },
  { args: ["models", "list"] },
  { args: ["models", "status", "--json"] },
  { args: ["logs", "--limit", "20"], gateway: true },
  { args: ["doctor", "--json"], gateway: true }
]
