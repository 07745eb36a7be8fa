/** The webhook's typed error; the errors every layer shares are in config/errors.ts. */

/** A webhook request was not a Telegram update we can accept; `status` is the HTTP status to answer with. */
export class UpdateRejectedError extends Error {
  override readonly name = "UpdateRejectedError";
  readonly status: 400 | 413 | 415;
  readonly reason: string;
  constructor(status: 400 | 413 | 415, reason: string) {
    super(reason);
    this.status = status;
    this.reason = reason;
  }
}
