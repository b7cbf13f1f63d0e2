import type { Schema } from "effect"
import type { MethodAccess, MethodSpec } from "./methods.js"

/** One RPC's spec from its name, scope and schemas; the one constructor every method table uses. */
export const defineMethod = <P, PI, R, RI>(
  name: string,
  access: MethodAccess,
  params: Schema.Schema<P, PI>,
  result: Schema.Schema<R, RI>,
  extra: { readonly controlPlaneWrite?: boolean; readonly unknownParams?: "ignore" } = {}
): MethodSpec<P, R> => ({ name, access, params: params as Schema.Schema<P, unknown>, result: result as Schema.Schema<R, unknown>, ...extra })
