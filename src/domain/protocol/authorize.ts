import { accessOf, type MethodAccess } from "./methods.js"
import { InvalidRequest, MissingScope } from "./errors.js"
import { scopeSatisfied } from "./scopes.js"

/** The caller as the dispatcher sees it. */
export interface Caller {
  readonly role: string
  readonly scopes: ReadonlyArray<string>
}

/** Why a call was refused: the wrong role (counted toward closing the socket) or a missing scope. */
export type Denial =
  | { readonly _tag: "WrongRole"; readonly error: InvalidRequest }
  | { readonly _tag: "ScopeMissing"; readonly error: MissingScope }

const wrongRole = (role: string): Denial => ({ _tag: "WrongRole", error: new InvalidRequest({ message: `unauthorized role: ${role}` }) })

/**
 * Role and scope check of spec section 7, before handler lookup: `health` for any socket, node-only
 * methods for nodes, every other method for operators with the declared (or admin) scope. `access`
 * comes from the registered method's spec when a feature serves it, else from the static table.
 */
export const authorize = (caller: Caller, method: string, access: MethodAccess = accessOf(method)): Denial | undefined => {
  if (access === "any") return undefined
  if (access === "node") return caller.role === "node" ? undefined : wrongRole(caller.role)
  if (caller.role !== "operator") return wrongRole(caller.role)
  if (scopeSatisfied(caller.scopes, access)) return undefined
  return { _tag: "ScopeMissing", error: new MissingScope({ message: `missing scope: ${access}`, missingScope: access, requiredScopes: [access] }) }
}
