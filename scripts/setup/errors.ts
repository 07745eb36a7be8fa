/** Errors of setup, deploy and doctor: each message says what to do next. */

/** A step of setup or deploy could not be done; `message` says why and how to fix it. */
export class SetupError extends Error {
  override readonly name = "SetupError";
  /** The step that failed ("d1", "deploy", "telegram", …). */
  readonly step: string;

  constructor(step: string, message: string) {
    super(message);
    this.step = step;
  }
}
