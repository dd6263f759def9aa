/** The song's delivery checklist. */
import { useState } from "react";
import { api } from "../api.ts";
import { messageOf, useLoad, words } from "../util.ts";

export function Delivery({ songId, canEdit }: { songId: string; canEdit: boolean }) {
  const [list, , reload] = useLoad(() => api.delivery(songId), [songId]);
  const [err, setErr] = useState<string | null>(null);
  return (
    <section className="card" aria-labelledby="deliv-h">
      <h2 id="deliv-h">Deliverables {list?.complete && <span className="tag ok">complete</span>}</h2>
      {err && <p className="error">{err}</p>}
      <ul className="checklist">
        {list?.items.map((i) => (
          <li key={i.item}>
            <label className="inline">
              <input
                type="checkbox"
                checked={i.done}
                disabled={!canEdit}
                onChange={async (e) => {
                  try {
                    await api.setDelivery(songId, { item: i.item as "main", done: e.target.checked });
                    reload();
                  } catch (x) {
                    setErr(messageOf(x));
                  }
                }}
              />
              {words(i.item)}
            </label>
          </li>
        ))}
      </ul>
    </section>
  );
}
