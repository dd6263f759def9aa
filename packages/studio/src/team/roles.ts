/**
 * Roles on a project and what each may do. A person can hold several roles (the producer-engineer is
 * common); an action is allowed when any of their roles allows it. Session musicians additionally see
 * only the songs they play on (see access.ts).
 */

/** The roles, in the studio's words. `label` is A&R / the label. */
export const ROLES = [
  "producer",
  "engineer",
  "mixing_engineer",
  "mastering_engineer",
  "artist",
  "session_musician",
  "label",
  "viewer",
] as const;
export type Role = (typeof ROLES)[number];

const ALL: readonly Role[] = ROLES;
const CONTRIBUTORS: readonly Role[] = ROLES.filter((r) => r !== "viewer");

/** Every action the service checks, with the roles allowed to take it. */
export const PERMISSIONS = {
  "project.read": ALL,
  "project.edit": ["producer"],
  "team.manage": ["producer"],
  "song.create": ["producer"],
  "song.edit": ["producer", "artist"],
  "song.status": ["producer", "engineer", "mixing_engineer", "mastering_engineer"],
  "recording.write": ["producer", "engineer"],
  "take.write": ["producer", "engineer"],
  "take.decide": ["producer"],
  "task.write": ["producer", "engineer"],
  "task.complete": [
    "producer",
    "engineer",
    "mixing_engineer",
    "mastering_engineer",
    "artist",
    "session_musician",
  ],
  "mix.upload": ["producer", "engineer", "mixing_engineer"],
  "master.upload": ["producer", "mastering_engineer"],
  "comment.write": CONTRIBUTORS,
  "approval.decide": ["producer"],
  "schedule.read": ALL,
  "schedule.write": ["producer"],
  // The budget is confidential between the producer and the label.
  "budget.read": ["producer", "label"],
  "budget.write": ["producer"],
  "credits.read": ALL,
  "credits.write": ["producer", "label"],
  "delivery.write": ["producer", "engineer", "mastering_engineer", "label"],
  "audit.read": ["producer", "label"],
  "job.run": ["producer", "engineer", "mixing_engineer", "mastering_engineer"],
  // The mix session is the mix: whoever may upload mixes may edit it and render it into a new mix.
  "session.write": ["producer", "engineer", "mixing_engineer"],
  "render.run": ["producer", "engineer", "mixing_engineer"],
  "master.run": ["producer", "mastering_engineer"],
  // Clean-up (clicks, hum, noise, clipping) is the engineers' job, and the producer's call.
  "repair.run": ["producer", "engineer", "mixing_engineer"],
  // A sound note is the producer's (or the artist's, or A&R's) words about the sound; the engineers who own
  // the mix session decide what it becomes (the producer-engineer holds both chairs).
  "soundnote.mark": ["producer", "artist", "label"],
  "soundnote.decide": ["engineer", "mixing_engineer"],
} as const satisfies Record<string, readonly Role[]>;
export type Action = keyof typeof PERMISSIONS;

/** True when any of `roles` allows `action`. */
export function allows(roles: readonly string[], action: Action): boolean {
  const ok = PERMISSIONS[action] as readonly string[];
  return roles.some((r) => ok.includes(r));
}
