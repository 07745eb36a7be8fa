/**
 * Questions for interactive setup. `--yes` (or no terminal) uses a prompter that never asks, so a
 * missing value is an error naming the environment variable to set instead.
 */
import { createInterface } from "node:readline";

/** Asks one question; `secret` answers are read without echo. Returns "" for no answer. */
export interface Prompter {
  readonly interactive: boolean;
  ask(question: string, options?: { secret?: boolean; defaultValue?: string }): Promise<string>;
}

/** A prompter that never asks (CI, `--yes`). */
export const noPrompter: Prompter = {
  interactive: false,
  ask: async (_question, options) => options?.defaultValue ?? "",
};

/** A terminal prompter on stdin/stdout; secret answers are not echoed. */
export function terminalPrompter(): Prompter {
  return {
    interactive: true,
    ask: (question, options = {}) => new Promise((resolve) => {
      const suffix = options.defaultValue ? ` [${options.defaultValue}]` : "";
      const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
      if (options.secret) {
        // Print the question ourselves, then swallow readline's echo of every keystroke.
        process.stdout.write(`${question}${suffix}: `);
        const writable = rl as unknown as { _writeToOutput: (s: string) => void };
        writable._writeToOutput = (s: string) => { if (s.includes("\n")) process.stdout.write("\n"); };
        rl.question("", (answer) => { rl.close(); resolve(answer.trim() || (options.defaultValue ?? "")); });
      } else {
        rl.question(`${question}${suffix}: `, (answer) => { rl.close(); resolve(answer.trim() || (options.defaultValue ?? "")); });
      }
    }),
  };
}
