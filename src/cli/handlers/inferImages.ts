import * as FileSystem from "@effect/platform/FileSystem"
import { Effect } from "effect"
import * as path from "node:path"
import { InferInputInvalid, sniffImageMime } from "../../domain/models/infer.js"
import type { ImageBlock } from "../../domain/models/messages.js"
import { describePlatformError } from "../../layers/fs/platformErrors.js"

/** One `--file` of `infer model run`: an image, read and sniffed before any model or gateway call. */
export const readImage = (file: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const bytes = Buffer.from(yield* fs.readFile(file).pipe(Effect.mapError((error) => new InferInputInvalid({ message: `--file ${file}: ${describePlatformError(error)}` }))))
    const mimeType = sniffImageMime(bytes)
    if (mimeType === undefined) {
      return yield* new InferInputInvalid({ message: `--file ${file}: not an image (PNG, JPEG, GIF or WebP); use infer audio transcribe or infer video describe for other media` })
    }
    const block: ImageBlock = { type: "image", mimeType, data: bytes.toString("base64") }
    return { path: file, fileName: path.basename(file), mimeType, block }
  })
