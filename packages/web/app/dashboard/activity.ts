/** The activity feed's phrases: what an audit entry (`credits.set`, `song.status`…) means, in words. */
import type { Dashboard, Wire } from "../api.ts";
import { words } from "../util.ts";

type Entry = NonNullable<Wire<Dashboard>["recent"]>[number];

/** Names the feed can use: song id → title, user id → name, the project's currency. */
export interface ActivityNames {
  songs: Map<string, string>;
  people: Map<string, string>;
  currency: string;
}

const money = (minor: unknown, currency: string) =>
  typeof minor === "number" ? `${(minor / 100).toFixed(2)} ${currency}` : "";

/** What `entry` did, as a phrase that follows the actor's name ("set the credits of “City Hums”"). */
export function describeActivity(entry: Entry, names: ActivityNames): string {
  const d = (entry.detail ?? {}) as Record<string, unknown>;
  const str = (k: string) => (typeof d[k] === "string" ? (d[k] as string) : "");
  const song = (id: unknown) => {
    const t = typeof id === "string" ? names.songs.get(id) : undefined;
    return t ? `“${t}”` : "a song";
  };
  const title = str("title") ? `“${str("title")}”` : "";
  switch (entry.action) {
    case "project.create":
      return `created the project ${title}`.trim();
    case "project.status":
      return `set the project to ${words(str("status"))}`;
    case "song.create":
      return `added the song ${title}`.trim();
    case "song.status":
      return `moved ${song(entry.subjectId)} from ${words(str("from"))} to ${words(str("to"))}`;
    case "credits.set":
      return `set the credits of ${song(entry.subjectId)}${typeof d.count === "number" ? ` (${d.count})` : ""}`;
    case "session.save":
      return `saved the mix session of ${song(entry.subjectId)}`;
    case "mix.upload":
      return `uploaded mix v${d.number ?? "?"} of ${song(d.songId)}`;
    case "master.upload":
      return `uploaded master v${d.number ?? "?"} of ${song(d.songId)}`;
    case "mix.render":
      return `rendered mix v${d.number ?? "?"} of ${song(d.songId)} on the server`;
    case "master.master":
      return `mastered ${song(d.songId)} on the server (master v${d.number ?? "?"})`;
    case "approval": {
      const state = str("state");
      const verb =
        state === "approved"
          ? "approved"
          : state === "changes_requested"
            ? "asked for changes to"
            : "put back in review";
      return `${verb} a version of ${song(d.songId)}${str("note") ? `: “${str("note")}”` : ""}`;
    }
    case "recording.create":
      return `planned the recording ${title}`.trim();
    case "recording.status":
      return `moved a recording from ${words(str("from"))} to ${words(str("to"))}`;
    case "booking.create":
      return `booked the studio (${str("status") || "hold"}${
        typeof d.costMinor === "number" && d.costMinor > 0 ? `, ${money(d.costMinor, names.currency)}` : ""
      })`;
    case "booking.confirm":
      return "confirmed a booking";
    case "booking.cancel":
      return `cancelled a booking${str("fee") ? ` (fee ${str("fee")})` : ""}`;
    case "budget.line.create":
      return `added a ${words(str("category")) || "budget"} line to the budget (${money(d.plannedMinor, names.currency)})`;
    case "budget.line.update":
      return `changed a budget line from ${money(d.before, names.currency)} to ${money(d.after, names.currency)}`;
    case "budget.invoice":
      return `recorded a ${words(str("category"))} invoice of ${money(d.amountMinor, names.currency)}`;
    case "budget.invoice.update":
      return `corrected an invoice from ${money(d.before, names.currency)} to ${money(d.after, names.currency)}`;
    case "invitation.cancel":
      return "cancelled an invitation";
    case "team.roles": {
      const who = entry.subjectId ? names.people.get(entry.subjectId) : undefined;
      const after = Array.isArray(d.after) ? (d.after as string[]).map(words).join(", ") : "";
      return after
        ? `made ${who ?? "a team member"} ${after}`
        : `removed ${who ?? "a team member"} from the team`;
    }
    case "invitation.create":
      return `invited ${str("email") || "someone"} as ${Array.isArray(d.roles) ? (d.roles as string[]).map(words).join(", ") : "a team member"}`;
    case "invitation.accept":
      return `joined the team (invited as ${Array.isArray(d.roles) ? (d.roles as string[]).map(words).join(", ") : "a team member"})`;
    default:
      return words(entry.action.replace(/\./g, " "));
  }
}
