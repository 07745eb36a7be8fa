/**
 * A small client for the emulator's `/__emulator/` control endpoints, over HTTP, so tests in
 * workerd and scripts in Node drive the emulator the same way.
 */
import type { EmulatorFault, MintTokenOptions, RecordedRequest } from "./emulator.ts";

/** Filters for `requests()`. */
export interface RequestFilter {
  since?: number;
  path?: string;
  method?: string;
  /** Only requests that carried this bearer token. */
  token?: string;
}

/** Controls for one running emulator. */
export interface EmulatorControl {
  /** The API base to point a client at (`<url>/client/v4`). */
  apiBase: string;
  requests(filter?: RequestFilter): Promise<RecordedRequest[]>;
  fault(fault: EmulatorFault): Promise<void>;
  /** A fresh token for the demo user, so a test's requests and faults are its own. */
  mintToken(options?: MintTokenOptions): Promise<{ token: string; id: string }>;
  reset(): Promise<void>;
}

/** Controls the emulator at `url` (its origin, as `startCloudflareEmulator` returns it). */
export function emulatorControl(url: string): EmulatorControl {
  const call = async (path: string, init?: RequestInit): Promise<unknown> => {
    const response = await fetch(`${url}/__emulator/${path}`, init);
    if (!response.ok) throw new Error(`emulator control ${path} answered ${response.status}: ${await response.text()}`);
    return response.json();
  };
  const post = (path: string, body: unknown) => call(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return {
    apiBase: `${url}/client/v4`,
    async requests(filter = {}) {
      const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
      return ((await call(`requests?${query}`)) as { requests: RecordedRequest[] }).requests;
    },
    async fault(fault) {
      await post("faults", fault);
    },
    async mintToken(options = {}) {
      return (await post("tokens", options)) as { token: string; id: string };
    },
    async reset() {
      await post("reset", {});
    },
  };
}
