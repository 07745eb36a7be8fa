/** Dates as the bot writes them: unambiguous in every locale, always UTC. */

/** An ISO timestamp's day, `YYYY-MM-DD` (the input as it is when it is not a date). */
export function isoDay(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().slice(0, 10);
}

/** A moment to the minute, `YYYY-MM-DD HH:MM UTC`. */
export function utcMinute(at: number): string {
  return `${new Date(at).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
