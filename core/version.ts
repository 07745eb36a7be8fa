/** The bot's version, reported by /health and in logs. Keep in step with package.json. */
export const VERSION = "0.1.0";
