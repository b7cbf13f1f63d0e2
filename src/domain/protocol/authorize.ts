import { accessOf } from "./methods.js"
import { InvalidRequest, MissingScope } from "./errors.js"
import { scopeSatisfied } from "./scopes.js"

/** The caller as the dispatcher sees it. */
export interface Caller {
  readonly role: string
  readonly scopes: ReadonlyArray<string>
}

/**
 * Role and scope check of spec section 7, before handler lookup: `health` for any socket, node-only
 * methods for nodes, every other method for operators with the declared (or admin) scope.
 */
export const authorize = (caller: Caller, method: string): MissingScope | InvalidRequest | undefined => {
  const access = accessOf(method)
  if (access === "any") return undefined
  if (access === "node") return caller.role === "node" ? undefined : new InvalidRequest({ message: `unauthorized role: ${caller.role}` })
  if (caller.role !== "operator") return new InvalidRequest({ message: `unauthorized role: ${caller.role}` })
  if (scopeSatisfied(caller.scopes, access)) return undefined
  return new MissingScope({ message: `missing scope: ${access}`, missingScope: access, requiredScopes: [access] })
}
