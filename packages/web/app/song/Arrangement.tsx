/** A song's sections on a timeline (width by bars), with a simple editor for those who may edit the song. */
import type * as ArrangementModule from "@controlroom/studio/songs/arrangement.ts";
import { useState } from "react";
import { api, type SongDetail, type Wire } from "../api.ts";
import { clock, messageOf, useLoad, words } from "../util.ts";

type SectionKind = (typeof ArrangementModule.SECTION_KINDS)[number];
/** The studio's section kinds (kept in step with the server by the type check). */
const SECTION_KINDS = [
  "intro",
  "verse",
  "pre_chorus",
  "chorus",
  "post_chorus",
  "bridge",
  "breakdown",
  "solo",
  "interlude",
  "outro",
  "other",
] as const satisfies readonly SectionKind[];

export function Arrangement({
  song,
  canEdit,
  onChange,
}: {
  song: Wire<SongDetail>;
  canEdit: boolean;
  onChange(): void;
}) {
  const [sections, , reload] = useLoad(() => api.arrangement(song.id), [song.id, song.version]);
  const [kind, setKind] = useState("verse");
  const [bars, setBars] = useState("8");
  const [err, setErr] = useState<string | null>(null);
  const total = (sections ?? []).reduce((a, s) => a + s.bars, 0);
  return (
    <section className="card" aria-labelledby="arr-h">
      <h2 id="arr-h">Arrangement</h2>
      {sections && sections.length > 0 ? (
        <ol className="timeline" aria-label="Sections">
          {sections.map((s) => (
            <li
              key={s.id}
              className={`section ${s.kind}`}
              style={{ flexGrow: s.bars }}
              title={`${s.label}: bars ${s.startBar}–${s.startBar + s.bars - 1}${s.enters ? ` · in: ${s.enters}` : ""}`}
            >
              <strong>{s.label}</strong>
              <span className="small">
                {s.bars} bars{s.markerSeconds != null ? ` @ ${clock(s.markerSeconds)}` : ""}
              </span>
            </li>
          ))}
        </ol>
      ) : (
        <p className="muted">No sections yet.</p>
      )}
      {total > 0 && <p className="small muted">{total} bars in all.</p>}
      {canEdit && sections && (
        <form
          className="row"
          onSubmit={async (ev) => {
            ev.preventDefault();
            setErr(null);
            try {
              await api.setArrangement(song.id, {
                version: song.version,
                sections: [
                  ...sections.map((s) => ({
                    kind: s.kind as "verse",
                    label: s.label,
                    bars: s.bars,
                    enters: s.enters,
                  })),
                  { kind: kind as "verse", bars: Number(bars) },
                ],
              });
              reload();
              onChange();
            } catch (e) {
              setErr(messageOf(e));
            }
          }}
        >
          <label>
            Section
            <select value={kind} onChange={(e) => setKind(e.target.value)}>
              {SECTION_KINDS.map((k) => (
                <option key={k} value={k}>
                  {words(k)}
                </option>
              ))}
            </select>
          </label>
          <label>
            Bars
            <input type="number" min={1} max={1000} value={bars} onChange={(e) => setBars(e.target.value)} />
          </label>
          <button type="submit">Add section</button>
          {err && <p className="error">{err}</p>}
        </form>
      )}
    </section>
  );
}
