/** Roles a connection can hold. */
export type Role = "operator" | "node"

export const OPERATOR_SCOPES = [
  "operator.read",
  "operator.write",
  "operator.admin",
  "operator.pairing",
  "operator.approvals",
  "operator.talk",
  "operator.talk.secrets",
  "operator.questions"
] as const
export type OperatorScope = typeof OPERATOR_SCOPES[number]

/** The scopes the operator CLI asks for when it connects. */
export const CLI_SCOPES: ReadonlyArray<OperatorScope> = ["operator.admin", "operator.read", "operator.write", "operator.approvals", "operator.pairing"]

/** True when `held` satisfies `required`: admin satisfies every operator scope, write satisfies read and talk. */
export const scopeSatisfied = (held: ReadonlyArray<string>, required: string): boolean => {
  if (held.includes(required)) return true
  if (required.startsWith("operator.") && held.includes("operator.admin")) return true
  if ((required === "operator.read" || required === "operator.talk") && held.includes("operator.write")) return true
  return false
}

/** True when every scope in `requested` is satisfied by `held`. */
export const scopesCovered = (held: ReadonlyArray<string>, requested: ReadonlyArray<string>) =>
  requested.every((scope) => scopeSatisfied(held, scope))
