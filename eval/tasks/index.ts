/** The eval suite, in the order the report lists it. */
import type { EvalTask } from "../task.ts";
import { DEEP_TASKS } from "./deep.ts";
import { READ_TASKS } from "./reads.ts";
import { SAFETY_TASKS } from "./safety.ts";
import { WRITE_TASKS } from "./writes.ts";

/** Every task. */
export const TASKS: readonly EvalTask[] = [...READ_TASKS, ...WRITE_TASKS, ...SAFETY_TASKS, ...DEEP_TASKS];

const ids = new Set(TASKS.map((t) => t.id));
const prompts = new Set(TASKS.map((t) => t.prompt));
if (ids.size !== TASKS.length || prompts.size !== TASKS.length) throw new Error("eval tasks need unique ids and prompts (the model gateway tells tasks apart by prompt)");
