import { describe, expect, it } from "vitest";
import { EditThrottle, type Clock } from "../../bot/presenters/edit-throttle.ts";

/** A clock that moves only when told; `later` callbacks run when their time comes. */
function manualClock() {
  let now = 0;
  let timers: Array<{ at: number; run: () => void }> = [];
  const clock: Clock = {
    now: () => now,
    later: (run, ms) => {
      const timer = { at: now + ms, run };
      timers.push(timer);
      return () => { timers = timers.filter((t) => t !== timer); };
    },
  };
  const advance = async (ms: number) => {
    now += ms;
    const due = timers.filter((t) => t.at <= now);
    timers = timers.filter((t) => t.at > now);
    for (const t of due) t.run();
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return { clock, advance, pending: () => timers.length };
}

describe("status edits of one message", () => {
  it("edits at most once per gap, shows only the newest text that waited, and never the same text twice", async () => {
    const { clock, advance } = manualClock();
    const edits: string[] = [];
    const throttle = new EditThrottle(1000, async (text) => { edits.push(text); }, clock);
    throttle.mark("💭 Thinking…");
    await throttle.show("💭 Thinking…");
    await throttle.show("⚙️ Running the code…");
    await throttle.show("🔎 Searching the API…");
    expect(edits).toEqual([]);
    await advance(1000);
    expect(edits).toEqual(["🔎 Searching the API…"]);
    await throttle.show("🔎 Searching the API…");
    await advance(1000);
    await throttle.show("⚙️ Reading r2.buckets.list…");
    expect(edits).toEqual(["🔎 Searching the API…", "⚙️ Reading r2.buckets.list…"]);
  });

  it("drops a waiting text when closed, so the final answer is the last edit", async () => {
    const { clock, advance, pending } = manualClock();
    const edits: string[] = [];
    const throttle = new EditThrottle(1000, async (text) => { edits.push(text); }, clock);
    await throttle.show("⚙️ Running the code…");
    await throttle.show("⚙️ Reading d1.database.list…");
    await throttle.close();
    expect(pending()).toBe(0);
    await advance(5000);
    await throttle.show("💭 Thinking…");
    expect(edits).toEqual(["⚙️ Running the code…"]);
  });

  it("waits for an edit under way before it closes", async () => {
    const { clock } = manualClock();
    let release!: () => void;
    const order: string[] = [];
    const throttle = new EditThrottle(0, (text) => new Promise<void>((resolve) => { release = () => { order.push(text); resolve(); }; }), clock);
    void throttle.show("⚙️ Running the code…");
    const closed = throttle.close().then(() => order.push("closed"));
    await new Promise((resolve) => setTimeout(resolve, 0));
    release();
    await closed;
    expect(order).toEqual(["⚙️ Running the code…", "closed"]);
  });
});
