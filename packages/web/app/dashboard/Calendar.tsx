/**
 * Bookings on a four-week calendar. Holds and confirmed bookings that overlap in time and share a room or a
 * person are flagged as conflicts, naming the other booking (the server refuses such confirmed bookings; holds
 * may still clash and need resolving).
 */
import type { Booking, Wire } from "../api.ts";

type B = Wire<Booking>;

/** Pairs of live bookings that overlap and share a room or a person. @returns booking id → the other titles. */
export function conflictsOf(bookings: B[]): Map<string, string[]> {
  const live = bookings.filter((b) => b.status !== "cancelled");
  const out = new Map<string, string[]>();
  for (let i = 0; i < live.length; i++)
    for (let j = i + 1; j < live.length; j++) {
      const a = live[i];
      const b = live[j];
      const overlap =
        Date.parse(a.startsAt) < Date.parse(b.endsAt) && Date.parse(b.startsAt) < Date.parse(a.endsAt);
      const shared = (a.roomId && a.roomId === b.roomId) || a.people.some((p) => b.people.includes(p));
      if (!overlap || !shared) continue;
      out.set(a.id, [...(out.get(a.id) ?? []), b.title]);
      out.set(b.id, [...(out.get(b.id) ?? []), a.title]);
    }
  return out;
}

const DAY = 86400e3;
const dayKey = (d: Date) => d.toISOString().slice(0, 10);

export function Calendar({ bookings, team }: { bookings: B[]; team: { userId: string; name: string }[] }) {
  const conflicts = conflictsOf(bookings);
  const first = bookings.length
    ? new Date(Math.min(...bookings.map((b) => Date.parse(b.startsAt))))
    : new Date();
  const today = new Date();
  const anchor =
    first < today && bookings.some((b) => Date.parse(b.endsAt) > today.getTime()) ? today : first;
  const start = new Date(Date.UTC(anchor.getUTCFullYear(), anchor.getUTCMonth(), anchor.getUTCDate()));
  start.setUTCDate(start.getUTCDate() - ((start.getUTCDay() + 6) % 7));
  const days = Array.from({ length: 28 }, (_, i) => new Date(start.getTime() + i * DAY));
  const nameOf = (id: string) => team.find((m) => m.userId === id)?.name ?? "someone";
  const byDay = new Map<string, B[]>();
  // A booking sits on the days of its own zone's wall clock (a 00:30 Berlin start is on that Berlin day).
  for (const b of bookings) {
    const first = Date.parse(`${b.localStart.slice(0, 10)}T00:00:00Z`);
    const last = Date.parse(`${b.localEnd.slice(0, 10)}T00:00:00Z`);
    const endsAtMidnight = b.localEnd.slice(11) === "00:00" && last > first;
    for (let t = first; t < last || (t === last && !endsAtMidnight); t += DAY) {
      const k = dayKey(new Date(t));
      byDay.set(k, [...(byDay.get(k) ?? []), b]);
    }
  }
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  return (
    <div>
      {conflicts.size > 0 && (
        <p role="alert" className="error">
          {conflicts.size} bookings conflict.
        </p>
      )}
      <table className="calendar" aria-label="Bookings, four weeks">
        <thead>
          <tr>
            {["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].map((d) => (
              <th key={d} scope="col" className="dow">
                {d}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {[0, 1, 2, 3].map((w) => (
            <tr key={w}>
              {days.slice(w * 7, w * 7 + 7).map((d) => (
                <td key={d.toISOString()} className="day" aria-label={dayKey(d)}>
                  <div className="date">{d.getUTCDate()}</div>
                  {(byDay.get(dayKey(d)) ?? []).map((b) => {
                    const clash = conflicts.get(b.id);
                    return (
                      <div
                        key={b.id}
                        className={`booking ${b.status}${clash ? " conflict" : ""}`}
                        title={`${b.title} ${b.localStart}–${b.localEnd} ${b.timeZone}${b.roomName ? ` · ${b.roomName}` : ""}${
                          b.people.length ? ` · ${b.people.map(nameOf).join(", ")}` : ""
                        }`}
                      >
                        {b.localStart.slice(11)}–{b.localEnd.slice(11)}
                        {b.timeZone !== browserZone && <span className="small"> {b.timeZone}</span>} {b.title}{" "}
                        <span className="small">({b.status})</span>
                        {clash && <div className="small">⚠ conflicts with {clash.join(", ")}</div>}
                      </div>
                    );
                  })}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
