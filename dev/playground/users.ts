/** The people of the playground: each has a private chat with the bot whose id is their user id. */
import type { PlaygroundUser } from "../fake-telegram/webhook-client.ts";

/** The people you can be in the playground. */
export const PLAYGROUND_USERS: Record<"owner" | "approver" | "stranger", PlaygroundUser> = {
  owner: { id: 1001, first_name: "Olivia", username: "owner" },
  approver: { id: 1003, first_name: "Arun", username: "approver" },
  stranger: { id: 6666, first_name: "Sam", username: "stranger" },
};

/** A playground role name. */
export type PlaygroundRole = keyof typeof PLAYGROUND_USERS;

/** The playground user with `id`, if any. */
export function playgroundUser(id: number): PlaygroundUser | undefined {
  return Object.values(PLAYGROUND_USERS).find((u) => u.id === id);
}
