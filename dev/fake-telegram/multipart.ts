/**
 * A lenient multipart/form-data reader for the fake Bot API. Telegram accepts what grammY sends
 * (for example `filename=result.json` without quotes), which stricter parsers such as undici's
 * `Request.formData()` refuse; a fake must accept what the real server accepts.
 */

/** One part: a field (`value`) or a file (`file`). */
export type Part = { name: string; value: string } | { name: string; file: { file_name: string; size: number; mime_type: string; content: string } };

/** Splits a multipart body into its parts. */
export function parseMultipart(body: Uint8Array, contentType: string): Part[] {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!boundary) return [];
  const marker = `--${boundary[1] ?? boundary[2]!.trim()}`;
  const text = new TextDecoder("latin1").decode(body);
  const parts: Part[] = [];
  for (const chunk of text.split(marker).slice(1)) {
    if (chunk.startsWith("--")) break;
    const headerEnd = chunk.indexOf("\r\n\r\n");
    if (headerEnd < 0) continue;
    const headers = chunk.slice(0, headerEnd).trim();
    const raw = chunk.slice(headerEnd + 4).replace(/\r\n$/, "");
    const disposition = /content-disposition:\s*([^\r\n]*)/i.exec(headers)?.[1] ?? "";
    const name = /name="?([^";]+)"?/i.exec(disposition.replace(/filename=[^;]*/i, ""))?.[1];
    if (!name) continue;
    const filename = /filename="?([^";\r\n]+)"?/i.exec(disposition)?.[1];
    const utf8 = new TextDecoder().decode(Uint8Array.from(raw, (c) => c.charCodeAt(0)));
    if (filename === undefined) {
      parts.push({ name, value: utf8 });
    } else {
      const mime = /content-type:\s*([^\r\n;]+)/i.exec(headers)?.[1]?.trim() ?? "application/octet-stream";
      parts.push({ name, file: { file_name: filename.trim(), size: raw.length, mime_type: mime, content: utf8 } });
    }
  }
  return parts;
}
