/**
 * A session strip's engine processing, shown and edited: every insert in order (InsertEditor: the EQ with its
 * curve, the compressor with its gain reduction, others by parameter) and its sends (SendsEditor). What a
 * sound note's proposal changes is highlighted; the caller decides where an edit goes (the session, or the
 * proposal's changes).
 */
import type { ProcessorJSON } from "@controlroom/engine/core/processor.ts";
import { InsertEditor } from "./inserts/InsertEditor.tsx";
import { SendsEditor, type SendValue } from "./inserts/SendsEditor.tsx";
import type { StripMarks } from "./proposal.ts";

export function StripEngine({
  name,
  inserts,
  sends,
  buses,
  sampleRate,
  marks,
  gainReductionDb,
  canRemove,
  onInsert,
  onRemoveInsert,
  onSends,
}: {
  name: string;
  inserts: ProcessorJSON[];
  /** The strip's sends (null for the master, which has none). */
  sends: SendValue[] | null;
  buses: { id: string; name: string }[];
  sampleRate: number;
  marks?: StripMarks;
  /** Gain reduction of each insert that meters it, dB, by insert index. */
  gainReductionDb?: (number | undefined)[];
  /** Whether inserts may be removed (not while a proposal is open: its changes point at positions). */
  canRemove: boolean;
  onInsert(index: number, p: ProcessorJSON): void;
  onRemoveInsert(index: number): void;
  onSends(sends: SendValue[]): void;
}) {
  return (
    <div className="strip-engine">
      <p className="small">Inserts{inserts.length ? "" : ": none"}</p>
      {inserts.map((p, i) => (
        <InsertEditor
          // biome-ignore lint/suspicious/noArrayIndexKey: inserts are identified by their place in the chain
          key={i}
          name={`${name} insert ${i + 1}`}
          processor={p}
          sampleRate={sampleRate}
          gainReductionDb={gainReductionDb?.[i]}
          mark={marks?.inserts.get(i)}
          onChange={(x) => onInsert(i, x)}
          onRemove={() => canRemove && onRemoveInsert(i)}
        />
      ))}
      {sends && (
        <SendsEditor
          name={name}
          sends={sends}
          buses={buses}
          changed={marks ? [...marks.sends.keys()] : undefined}
          onChange={onSends}
        />
      )}
    </div>
  );
}
