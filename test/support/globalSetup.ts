import { execFileSync } from "node:child_process"

/** Tests that spawn the CLI run the real bundle, so build it once per test run. */
export default function setup() {
  execFileSync(process.execPath, ["scripts/bundle.mjs"], { stdio: "inherit" })
}
