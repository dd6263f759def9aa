/**
 * Books a room and/or people. The server refuses a booking that clashes with another (same room or
 * person, overlapping time) and names it; that refusal is shown as a flagged conflict.
 */
import { useState } from "react";
import { ApiError, api, type Member, type Room, type Wire } from "../api.ts";
import { messageOf } from "../util.ts";

/** "2027-03-01T10:00" in `tz` → an ISO instant with offset. */
export function zonedToIso(local: string, tz: string): string {
  // Start from the wall time read as UTC, then correct by the zone's offset at that moment (twice, for DST edges).
  const asUtc = Date.parse(`${local}:00Z`);
  let t = asUtc;
  for (let i = 0; i < 2; i++) {
    const p = Object.fromEntries(
      new Intl.DateTimeFormat("en-CA", {
        timeZone: tz,
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
      })
        .formatToParts(new Date(t))
        .map((x) => [x.type, x.value]),
    );
    const wall = Date.parse(`${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:00Z`);
    t += asUtc - wall;
  }
  return new Date(t).toISOString();
}

export function BookingForm({
  projectId,
  rooms,
  team,
  defaultTimeZone,
  onBooked,
}: {
  projectId: string;
  rooms: Wire<Room>[];
  team: Wire<Member>[];
  /** The zone the studio books in (the latest booking's); else the browser's. */
  defaultTimeZone?: string | null;
  onBooked(): void;
}) {
  const [title, setTitle] = useState("");
  const [roomId, setRoomId] = useState("");
  const [people, setPeople] = useState<string[]>([]);
  const [start, setStart] = useState("");
  const [end, setEnd] = useState("");
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  const [tz, setTz] = useState<string | null>(null);
  // Until the producer types a zone, follow the studio's (it may arrive after the form).
  const zone = tz ?? defaultTimeZone ?? browserZone;
  const [status, setStatus] = useState<"hold" | "confirmed">("hold");
  const [msg, setMsg] = useState<{ text: string; conflict: boolean } | null>(null);
  return (
    <form
      className="row"
      aria-label="New booking"
      onSubmit={async (ev) => {
        ev.preventDefault();
        setMsg(null);
        try {
          const b = await api.createBooking(projectId, {
            title,
            roomId: roomId || null,
            people,
            status,
            startsAt: zonedToIso(start, zone),
            endsAt: zonedToIso(end, zone),
            timeZone: zone,
          });
          setMsg({
            text: `Booked “${b.title}” ${b.localStart}–${b.localEnd.slice(11)}${
              zone === browserZone ? "" : ` ${zone}`
            } (${b.status}).`,
            conflict: false,
          });
          setTitle("");
          onBooked();
        } catch (e) {
          setMsg({ text: messageOf(e), conflict: e instanceof ApiError && e.status === 409 });
        }
      }}
    >
      <label>
        Booking title
        <input required value={title} onChange={(e) => setTitle(e.target.value)} />
      </label>
      <label>
        Room
        <select value={roomId} onChange={(e) => setRoomId(e.target.value)}>
          <option value="">no room</option>
          {rooms.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </select>
      </label>
      <fieldset className="people">
        <legend>People</legend>
        {team.map((m) => (
          <label key={m.userId} className="inline">
            <input
              type="checkbox"
              checked={people.includes(m.userId)}
              onChange={(e) =>
                setPeople(e.target.checked ? [...people, m.userId] : people.filter((p) => p !== m.userId))
              }
            />
            {m.name}
          </label>
        ))}
      </fieldset>
      <label>
        Starts
        <input type="datetime-local" required value={start} onChange={(e) => setStart(e.target.value)} />
      </label>
      <label>
        Ends
        <input type="datetime-local" required value={end} onChange={(e) => setEnd(e.target.value)} />
      </label>
      <label>
        Time zone
        <input
          required
          value={zone}
          title="Starts and ends are wall-clock time in this zone"
          onChange={(e) => setTz(e.target.value)}
        />
      </label>
      <label>
        Status
        <select value={status} onChange={(e) => setStatus(e.target.value as "hold")}>
          <option value="hold">hold</option>
          <option value="confirmed">confirmed</option>
        </select>
      </label>
      <button type="submit">Book</button>
      {msg && (
        <p role={msg.conflict ? "alert" : "status"} className={msg.conflict ? "error" : "notice"}>
          {msg.conflict ? "⚠ Conflict: " : ""}
          {msg.text}
        </p>
      )}
    </form>
  );
}
