/**
 * Cloudflare's v4 envelope, validated with zod: `{ success, errors, messages, result, result_info }`.
 * Lenient where the API is inconsistent across products (codes as strings, bare-string messages,
 * missing arrays), strict about what the client relies on (`success` is a boolean).
 */
import { z } from "zod";

const errorEntry: z.ZodType<{ code?: number; message: string; chain: { code?: number; message: string }[] }> = z.union([
  z.string().transform((message) => ({ message, chain: [] })),
  z.object({
    code: z.coerce.number().optional().catch(undefined),
    message: z.string().catch(""),
    error_chain: z.array(z.object({ code: z.coerce.number().optional().catch(undefined), message: z.string().catch("") }).loose()).optional(),
  }).loose().transform((e) => ({ ...(e.code !== undefined ? { code: e.code } : {}), message: e.message, chain: e.error_chain ?? [] })),
]);

const messageEntry = z.union([
  z.string().transform((message) => ({ message })),
  z.object({ code: z.coerce.number().optional().catch(undefined), message: z.string().catch("") }).loose(),
]);

/** Pagination details: page-based (`page`, `total_pages`, …) or cursor-based (`cursor` / `cursors.after`). */
export const resultInfoSchema = z.object({
  page: z.number().optional(),
  per_page: z.number().optional(),
  count: z.number().optional(),
  total_count: z.number().optional(),
  total_pages: z.number().optional(),
  cursor: z.string().nullish().catch(undefined),
  cursors: z.object({ after: z.string().nullish().catch(undefined), before: z.string().nullish().catch(undefined) }).loose().optional(),
}).loose();

/** A `result_info` object. */
export type ResultInfo = z.infer<typeof resultInfoSchema>;

/** One entry of an envelope's `messages`. */
export type CloudflareMessage = z.infer<typeof messageEntry>;

/** The envelope schema. */
export const envelopeSchema = z.object({
  success: z.boolean(),
  errors: z.array(errorEntry).nullish().transform((v) => v ?? []),
  messages: z.array(messageEntry).nullish().transform((v) => v ?? []),
  result: z.unknown(),
  result_info: resultInfoSchema.nullish().catch(undefined),
});

/** A parsed envelope. */
export type Envelope = z.infer<typeof envelopeSchema>;

/** Flattens an envelope's errors (and their `error_chain`) into one list. */
export function flattenErrors(errors: Envelope["errors"]): { code?: number; message: string }[] {
  return errors.flatMap((error) => [error, ...error.chain]).map((entry) => ({
    ...(entry.code !== undefined ? { code: entry.code } : {}),
    message: entry.message === "" ? "(no message)" : entry.message,
  }));
}
