import type { PlatformError } from "@effect/platform/Error"
import { StateIoError } from "../../domain/errors.js"

/** The operating system's own words for a failure (`EACCES: permission denied, open '…'`). */
export const describePlatformError = (error: PlatformError) =>
  error._tag === "SystemError" && error.description !== undefined ? error.description : error.message

/** True for "no such file or directory". */
export const isNotFound = (error: PlatformError) => error._tag === "SystemError" && error.reason === "NotFound"

/** True when the path already exists (an exclusive create lost the race). */
export const isAlreadyExists = (error: PlatformError) => error._tag === "SystemError" && error.reason === "AlreadyExists"

/** Maps a filesystem failure to the typed error that names the path and what was being done. */
export const stateIoError = (file: string, operation: string) => (error: PlatformError) =>
  new StateIoError({ message: `${operation} ${file} failed: ${describePlatformError(error)}`, path: file })
