import { Effect } from "effect"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import { InferInputInvalid, sniffImageMime } from "../../domain/models/infer.js"
import type { ImageBlock } from "../../domain/models/messages.js"

/** One `--file` of `infer model run`: an image, read and sniffed before any model or gateway call. */
export const readImage = (file: string) =>
  Effect.gen(function*() {
    const bytes = yield* Effect.tryPromise({
      try: () => fs.readFile(file),
      catch: (cause) => new InferInputInvalid({ message: `--file ${file}: ${cause instanceof Error ? cause.message : String(cause)}` })
    })
    const mimeType = sniffImageMime(bytes)
    if (mimeType === undefined) {
      return yield* new InferInputInvalid({ message: `--file ${file}: not an image (PNG, JPEG, GIF or WebP); use infer audio transcribe or infer video describe for other media` })
    }
    const block: ImageBlock = { type: "image", mimeType, data: bytes.toString("base64") }
    return { path: file, fileName: path.basename(file), mimeType, block }
  })
