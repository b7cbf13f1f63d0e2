import * as http from "node:http"

export interface HttpReply {
  readonly status: number
  readonly headers: http.IncomingHttpHeaders
  readonly body: Buffer
  readonly text: string
}

/** One plain HTTP request on loopback (no redirects followed, no decoding): what a browser's socket sees. */
export const httpRequest = (port: number, path: string, options: { readonly method?: string; readonly headers?: Record<string, string> } = {}) =>
  new Promise<HttpReply>((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path, method: options.method ?? "GET", headers: options.headers ?? {} }, (res) => {
      const chunks: Array<Buffer> = []
      res.on("data", (chunk: Buffer) => chunks.push(chunk))
      res.on("end", () => {
        const body = Buffer.concat(chunks)
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString("utf8") })
      })
      res.on("error", reject)
    })
    req.on("error", reject)
    req.end()
  })
