/** What a budget line or an actual is for (no Node built-ins: the web app's budget forms use it too). */
export const BUDGET_CATEGORIES = [
  "tracking",
  "session_musicians",
  "mixing",
  "mastering",
  "studio",
  "other",
] as const;
