/**
 * One mixer strip: its meter, fader (slider and exact dB), pan, mute and solo, and its inserts — the
 * session track's engine inserts, or (without a session) the browser preview's EQ, compressor and reverb
 * send. Every control reports a change as a function of the strip's settings, so edits never race.
 */
import type { ReactNode } from "react";
import type { MeterReading } from "../audio/meter.ts";
import type { TrackParams } from "../audio/mix-graph.ts";
import { PeakBar, StripReadout } from "../meters/MeterReadout.tsx";
import { CompressorInsert } from "./inserts/CompressorInsert.tsx";
import { NumberField, Slider } from "./inserts/controls.tsx";
import { EngineInserts } from "./inserts/EngineInserts.tsx";
import { EqInsert } from "./inserts/EqInsert.tsx";
import { ReverbSend } from "./inserts/ReverbSend.tsx";

/** A change to a strip's settings. */
export type StripChange = (f: (p: TrackParams) => TrackParams) => void;

/** "C", "L30", "R100". */
export function panLabel(pan: number): string {
  return pan === 0 ? "C" : pan < 0 ? `L${Math.round(-pan * 100)}` : `R${Math.round(pan * 100)}`;
}

export interface MixerStripProps {
  name: string;
  /** The session track's engine inserts (null: no session, so the browser preview's inserts are offered). */
  engineInserts: string[] | null;
  params: TrackParams;
  reading: MeterReading | undefined;
  onChange: StripChange;
  /** The session strip's inserts and sends, shown and edited (StripEngine); replaces the list of names. */
  engine?: ReactNode;
  /** The fader move a sound note's proposal makes on this strip (highlighted). */
  proposedFader?: { fromDb: number; toDb: number };
  /** The strip is touched by a proposal. */
  proposed?: boolean;
}

export function MixerStrip({
  name,
  engineInserts,
  params: p,
  reading,
  onChange,
  engine,
  proposedFader,
  proposed,
}: MixerStripProps) {
  const set = (patch: Partial<TrackParams>) => onChange((q) => ({ ...q, ...patch }));
  return (
    <fieldset className={`strip${proposed ? " proposed" : ""}`} aria-label={`Track ${name}`}>
      <legend>
        <strong>{name}</strong>
      </legend>
      {proposedFader && (
        <p className="small proposed">
          Proposed fader: {proposedFader.fromDb.toFixed(1)} → {proposedFader.toDb.toFixed(1)} dB
        </p>
      )}
      <PeakBar reading={reading} />
      <StripReadout reading={reading} />
      <Slider
        label={`Fader ${name}: ${p.gainDb.toFixed(1)} dB`}
        min={-60}
        max={12}
        step={0.5}
        value={p.gainDb}
        onChange={(gainDb) => set({ gainDb })}
      />
      <NumberField
        label={`Fader ${name} (dB)`}
        min={-144}
        max={24}
        step={0.1}
        value={p.gainDb}
        onChange={(gainDb) => set({ gainDb })}
      />
      <Slider
        label={`Pan ${name}: ${panLabel(p.pan)}`}
        min={-1}
        max={1}
        step={0.05}
        value={p.pan}
        onChange={(pan) => set({ pan })}
      />
      <div className="row">
        <button
          type="button"
          aria-pressed={p.mute}
          onClick={() => onChange((q) => ({ ...q, mute: !q.mute }))}
          aria-label={`Mute ${name}`}
        >
          M
        </button>
        <button
          type="button"
          aria-pressed={p.solo}
          onClick={() => onChange((q) => ({ ...q, solo: !q.solo }))}
          aria-label={`Solo ${name}`}
        >
          S
        </button>
      </div>
      {engine ? (
        engine
      ) : engineInserts ? (
        <EngineInserts types={engineInserts} />
      ) : (
        <>
          <details>
            <summary>Inserts</summary>
            <EqInsert value={p.eq} onChange={(eq) => onChange((q) => ({ ...q, eq: { ...q.eq, ...eq } }))} />
            <CompressorInsert
              value={p.comp}
              onChange={(comp) => onChange((q) => ({ ...q, comp: { ...q.comp, ...comp } }))}
            />
          </details>
          <ReverbSend name={name} levelDb={p.sendDb} onChange={(sendDb) => set({ sendDb })} />
        </>
      )}
    </fieldset>
  );
}
