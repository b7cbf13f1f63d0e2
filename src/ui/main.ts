import "./styles.css"
import { startApp } from "./app.js"
import { GatewayClient } from "./core/gatewayClient.js"
import { deviceCryptoAvailable, type DeviceIdentity, loadOrCreateIdentity } from "./core/identity.js"
import { inferBasePath, normalizeBasePath, readLaunchParams } from "./core/launchParams.js"
import { currentGatewayKey, normalizeGatewayUrl } from "./core/storageKeys.js"
import { confirmGatewaySwitch } from "./switchGateway.js"

declare global {
  interface Window {
    __OPENCLAW_CONTROL_UI_BASE_PATH__?: string
  }
}

const basePathOf = (): string => {
  const injected = window.__OPENCLAW_CONTROL_UI_BASE_PATH__
  if (typeof injected === "string") return normalizeBasePath(injected)
  const attribute = document.documentElement.getAttribute("data-openclaw-control-ui-base-path")
  if (attribute !== null) return normalizeBasePath(attribute)
  return inferBasePath(location.pathname)
}

const boot = async () => {
  const root = document.getElementById("app")
  if (root === null) return
  const basePath = basePathOf()
  const launch = readLaunchParams(location.search, location.hash)
  // Secrets leave the address bar (and history) before anything else runs.
  if (launch.changed) history.replaceState(history.state, "", `${location.pathname}${launch.search}${launch.hash}`)
  if (launch.tokenFromQuery) console.warn("OpenClaw: pass the token in the URL fragment (#token=...), not the query string")
  const pageWsUrl = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${basePath}`
  let gatewayUrl = localStorage.getItem(currentGatewayKey(pageWsUrl)) ?? pageWsUrl
  let token = launch.token
  let bootstrapToken = launch.bootstrapToken
  if (launch.gatewayUrl !== undefined && normalizeGatewayUrl(launch.gatewayUrl) !== normalizeGatewayUrl(gatewayUrl)) {
    if (await confirmGatewaySwitch(launch.gatewayUrl, gatewayUrl)) {
      gatewayUrl = launch.gatewayUrl
      localStorage.setItem(currentGatewayKey(pageWsUrl), gatewayUrl)
    } else {
      // The link's token belongs to the gateway it named, never to the current one.
      token = undefined
      bootstrapToken = undefined
    }
  }
  let identity: DeviceIdentity | undefined
  if (deviceCryptoAvailable()) {
    try {
      identity = await loadOrCreateIdentity(localStorage)
    } catch (error) {
      console.warn("OpenClaw: no device identity", error)
    }
  }
  const client = startApp(root, basePath, gatewayUrl, (onState, onEvent) => new GatewayClient({
    gatewayUrl,
    pageHost: location.host,
    pageOrigin: location.origin,
    local: localStorage,
    session: sessionStorage,
    identity,
    platform: navigator.platform || "web",
    userAgent: navigator.userAgent,
    locale: navigator.language,
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    explicitToken: token,
    bootstrap: bootstrapToken === undefined ? undefined : { token: bootstrapToken, profile: launch.bootstrapProfile },
    onState,
    onEvent
  }))
  // A dashboard link opened in this tab again changes only the fragment: no reload, so take its token here.
  window.addEventListener("hashchange", () => {
    const again = readLaunchParams(location.search, location.hash)
    if (!again.changed) return
    history.replaceState(history.state, "", `${location.pathname}${again.search}${again.hash}`)
    if (again.token !== undefined) client.useToken(again.token)
  })
}

void boot()
