/**
 * Keeps one message's status edits within Telegram's limits: at most one edit per `gapMs`, never
 * the same text twice. A step that comes too soon waits for the gap, and only the newest waiting
 * text is shown then (the steps in between are skipped). `close` stops it before the message gets
 * its final text, so a late status can never overwrite an answer.
 */

/** How the throttle tells time (injectable for tests). */
export interface Clock {
  now(): number;
  later(run: () => void, ms: number): () => void;
}

const realClock: Clock = {
  now: () => Date.now(),
  later: (run, ms) => {
    const timer = setTimeout(run, ms);
    return () => clearTimeout(timer);
  },
};

/** Throttled status edits of one message. */
export class EditThrottle {
  private shown: string | undefined;
  private waiting: string | undefined;
  private lastAt = Number.NEGATIVE_INFINITY;
  private cancel: (() => void) | undefined;
  private inFlight: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly gapMs: number;
  private readonly edit: (text: string) => Promise<void>;
  private readonly clock: Clock;

  constructor(gapMs: number, edit: (text: string) => Promise<void>, clock: Clock = realClock) {
    this.gapMs = gapMs;
    this.edit = edit;
    this.clock = clock;
  }

  /** Records `text` as just shown (the message was sent with it), so the gap counts from now. */
  mark(text: string): void {
    this.shown = text;
    this.lastAt = this.clock.now();
  }

  /** Shows `text` now, or once the gap since the last edit has passed (unless newer text comes first). */
  async show(text: string): Promise<void> {
    if (this.closed || text === (this.waiting ?? this.shown)) return;
    const wait = this.lastAt + this.gapMs - this.clock.now();
    if (wait <= 0 && this.cancel === undefined) return this.send(text);
    this.waiting = text;
    this.cancel ??= this.clock.later(() => {
      this.cancel = undefined;
      const next = this.waiting;
      this.waiting = undefined;
      if (next !== undefined && next !== this.shown && !this.closed) void this.send(next);
    }, Math.max(wait, 0));
  }

  /** Drops any waiting text and waits for an edit under way, so the caller's next edit is the last one. */
  async close(): Promise<void> {
    this.closed = true;
    this.cancel?.();
    this.cancel = undefined;
    this.waiting = undefined;
    await this.inFlight;
  }

  private async send(text: string): Promise<void> {
    this.shown = text;
    this.lastAt = this.clock.now();
    const sending = this.inFlight.then(() => this.edit(text)).catch(() => undefined);
    this.inFlight = sending;
    await sending;
  }
}
