/** Reads Bot API call parameters the way Telegram accepts them: query string, JSON, form or multipart. */
import { parseMultipart } from "./multipart.ts";

/** Reads Bot API parameters the way Telegram accepts them: query string, JSON, form or multipart. */
export async function readParams(request: Request, url: URL): Promise<Record<string, unknown>> {
  const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
  if (request.method !== "POST") return params;
  const type = request.headers.get("content-type") ?? "";
  if (type.includes("application/json")) {
    const body: unknown = await request.json().catch(() => ({}));
    return { ...params, ...(body && typeof body === "object" ? (body as Record<string, unknown>) : {}) };
  }
  if (type.includes("multipart/form-data")) {
    for (const part of parseMultipart(new Uint8Array(await request.arrayBuffer()), type)) {
      params[part.name] = "value" in part ? parseFormValue(part.value) : part.file;
    }
  } else if (type.includes("application/x-www-form-urlencoded")) {
    for (const [key, value] of new URLSearchParams(await request.text())) params[key] = parseFormValue(value);
  }
  // grammY (like Telegram's own docs) sends files as separate parts referenced by "attach://<name>".
  for (const [key, value] of Object.entries(params)) {
    if (typeof value === "string" && value.startsWith("attach://")) {
      const part = value.slice("attach://".length);
      params[key] = params[part];
      delete params[part];
    }
  }
  return params;
}

/** Form fields carry JSON for objects (reply_markup, entities) and plain strings otherwise. */
function parseFormValue(value: string): unknown {
  if (/^[[{]/.test(value)) {
    try { return JSON.parse(value); } catch { return value; }
  }
  return value;
}
