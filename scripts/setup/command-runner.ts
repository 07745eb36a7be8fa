/**
 * The one door through which setup, deploy and doctor reach wrangler (and so Cloudflare).
 *
 * Everything external is injected: the CLIs build the real runner below, tests pass a fake that
 * records commands and returns canned output, so no test ever touches the network. Secrets travel
 * only on stdin (`input`), never in argv, where `ps` and shell history would see them.
 */
import { spawn } from "node:child_process";

/** What one wrangler command returned. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options for one command. */
export interface CommandOptions {
  /** Written to the command's stdin, then stdin is closed (how secrets reach `wrangler secret put`). */
  input?: string;
}

/** Runs `wrangler <args>`; never throws for a non-zero exit (the caller decides). */
export type CommandRunner = (args: readonly string[], options?: CommandOptions) => Promise<CommandResult>;

/**
 * The real runner: `npx wrangler …` in `cwd`, non-interactive (`CI=true`, so wrangler never waits
 * on a prompt and confirms migrations itself), without metrics, colour or an inherited stdin.
 */
export function createWranglerRunner(cwd: string = process.cwd()): CommandRunner {
  return (args, options = {}) => new Promise((resolve) => {
    const child = spawn("npx", ["wrangler", ...args], {
      cwd,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1", FORCE_COLOR: "0" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => { stdout += chunk.toString("utf8"); });
    child.stderr.on("data", (chunk: Buffer) => { stderr += chunk.toString("utf8"); });
    child.on("error", (error) => resolve({ code: 127, stdout, stderr: `${stderr}${error.message}` }));
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}
