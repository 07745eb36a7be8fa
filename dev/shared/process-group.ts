/**
 * Process groups: a child spawned with `detached: true` leads its own group, and whatever it
 * starts (wrangler's workerd) joins it, so signalling `-pid` reaches all of them. Stopping waits
 * until the whole group is gone, not only its leader, so nothing outlives the caller.
 */

/** Sends `signal` to every process in the group led by `pid`; false when the group is gone. */
export function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Whether the group led by `pid` still has a live member. */
export function groupAlive(pid: number): boolean {
  return signalGroup(pid, 0);
}

/** Stops a group: SIGTERM, up to `graceMs` for all of it to leave, then SIGKILL and up to 2 s more. */
export async function stopProcessGroup(pid: number, graceMs = 4000): Promise<void> {
  signalGroup(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && groupAlive(pid)) await sleep(100);
  signalGroup(pid, "SIGKILL");
  const gone = Date.now() + 2000;
  while (Date.now() < gone && groupAlive(pid)) await sleep(50);
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
