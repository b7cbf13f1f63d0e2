import { describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import { brotliDecompressSync, gunzipSync } from "node:zlib"
import { CONTROL_UI_ROOT } from "../support/controlUiHarness.js"

/** The built page (vitest's global setup runs scripts/bundle.mjs, which writes dist/control-ui). */
describe("control ui bundle", () => {
  const assets = fs.readdirSync(path.join(CONTROL_UI_ROOT, "assets"))
  const originals = assets.filter((name) => !name.endsWith(".br") && !name.endsWith(".gz"))

  it("is one external module and a stylesheet, content-hashed, no inline script (the CSP needs no hashes)", () => {
    const html = fs.readFileSync(path.join(CONTROL_UI_ROOT, "index.html"), "utf8")
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)]
    expect(scripts).toHaveLength(1)
    expect(scripts[0]?.[1]).toMatch(/type="module" src="\.\/assets\/app-[A-Z0-9]+\.js"/)
    expect(scripts[0]?.[2]).toBe("")
    expect(html).toMatch(/<link rel="stylesheet" href="\.\/assets\/app-[A-Z0-9]+\.css">/)
    expect(html).not.toMatch(/\son[a-z]+=/)
    expect(fs.existsSync(path.join(CONTROL_UI_ROOT, "favicon.svg"))).toBe(true)
    expect(originals.map((n) => n.replace(/-[A-Z0-9]+\./, "-HASH.")).sort()).toEqual(["app-HASH.css", "app-HASH.js"])
  })

  it("has .br and .gz siblings of every asset that decompress to it, and stays under 150 KB compressed", () => {
    let brotliTotal = 0
    for (const name of originals) {
      const body = fs.readFileSync(path.join(CONTROL_UI_ROOT, "assets", name))
      const br = fs.readFileSync(path.join(CONTROL_UI_ROOT, "assets", `${name}.br`))
      const gz = fs.readFileSync(path.join(CONTROL_UI_ROOT, "assets", `${name}.gz`))
      expect(brotliDecompressSync(br).equals(body)).toBe(true)
      expect(gunzipSync(gz).equals(body)).toBe(true)
      brotliTotal += br.length
    }
    expect(brotliTotal).toBeLessThan(150 * 1024)
  })
})
