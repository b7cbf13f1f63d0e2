import type { Browser } from "playwright-core"

interface GpuDevice {
  readonly vendorId?: number
  readonly deviceId?: number
  readonly vendorString?: string
  readonly deviceString?: string
  readonly driverVendor?: string
  readonly driverVersion?: string
}

interface SystemInfo {
  readonly gpu?: {
    readonly devices?: ReadonlyArray<GpuDevice>
    readonly auxAttributes?: Record<string, unknown>
    readonly featureStatus?: Record<string, string>
    readonly driverBugWorkarounds?: ReadonlyArray<string>
    readonly videoDecoding?: ReadonlyArray<unknown>
    readonly videoEncoding?: ReadonlyArray<unknown>
  }
}

/** The running browser's GPU facts (`SystemInfo.getInfo`), in the shape `openclaw browser --json status` shows. */
export const readGraphics = async (browser: Browser) => {
  const session = await browser.newBrowserCDPSession()
  try {
    const info = await session.send("SystemInfo.getInfo") as SystemInfo
    const gpu = info.gpu ?? {}
    const aux = gpu.auxAttributes ?? {}
    const featureStatus = gpu.featureStatus ?? {}
    const renderer = String(aux["glRenderer"] ?? aux["gl_renderer"] ?? gpu.devices?.[0]?.deviceString ?? "")
    const software = /swiftshader|llvmpipe|software/i.test(renderer) || (featureStatus["gpu_compositing"] ?? "").includes("software")
    return {
      status: "available",
      observedAt: Date.now(),
      acceleration: software ? "software" : "hardware",
      renderer,
      vendor: String(aux["glVendor"] ?? aux["gl_vendor"] ?? gpu.devices?.[0]?.vendorString ?? ""),
      version: String(aux["glVersion"] ?? aux["gl_version"] ?? ""),
      backend: String(aux["glImplementationParts"] ?? aux["gl_implementation_parts"] ?? ""),
      devices: (gpu.devices ?? []).map((d) => ({
        vendorId: d.vendorId ?? 0,
        deviceId: d.deviceId ?? 0,
        vendor: d.vendorString ?? "",
        device: d.deviceString ?? "",
        driverVendor: d.driverVendor ?? "",
        driverVersion: d.driverVersion ?? ""
      })),
      featureStatus,
      disabledFeatures: Object.entries(featureStatus).filter(([, status]) => !status.startsWith("enabled")).map(([feature, status]) => ({ feature, status })),
      driverBugWorkarounds: gpu.driverBugWorkarounds ?? [],
      videoDecoding: gpu.videoDecoding ?? [],
      videoEncoding: gpu.videoEncoding ?? []
    }
  } finally {
    await session.detach().catch(() => {})
  }
}
