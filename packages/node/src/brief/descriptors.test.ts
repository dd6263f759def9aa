/**
 * Every descriptor, measured: on song1 (6 s of the chorus), the move each note proposes is applied, the session
 * rendered again, and the descriptor's feature must move the stated way by at least the lexicon's `minChange`,
 * while the features in its `bounds` stay within them.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  applyProposal,
  DESCRIPTORS,
  descriptorByName,
  type FeatureName,
  featureFor,
  measureTarget,
  proposeMoves,
} from "@controlroom/engine/brief/index.ts";
import type { Session } from "@controlroom/engine/session/schema.ts";
import { corpusPath, skipWithoutCorpus } from "../files/test-support.ts";
import { sessionFromStems } from "../session/from-stems.ts";
import { type RenderedSpan, renderSpan } from "./measure-session.ts";

const SONG = corpusPath("song1");
/** 6 s of the chorus: every part plays. */
const SPAN = { start: 34, end: 40 };

/** One note per descriptor, on a part where the word makes sense. */
const CASES: { note: string; descriptor: string; direction: "more" | "less" }[] = [
  { note: "warmer keys", descriptor: "warm", direction: "more" },
  { note: "brighter vocal", descriptor: "bright", direction: "more" },
  { note: "more air on the vocal", descriptor: "air", direction: "more" },
  { note: "crisper keys", descriptor: "crisp", direction: "more" },
  { note: "less muddy keys", descriptor: "muddy", direction: "less" },
  { note: "the snare is boxy", descriptor: "boxy", direction: "less" },
  { note: "less honky lead", descriptor: "honky", direction: "less" },
  { note: "vocal less nasal", descriptor: "nasal", direction: "less" },
  { note: "vocal too harsh", descriptor: "harsh", direction: "less" },
  { note: "less sibilant vocal", descriptor: "sibilant", direction: "less" },
  { note: "fuller vocal", descriptor: "full", direction: "more" },
  { note: "less boomy bass", descriptor: "boomy", direction: "less" },
  { note: "deeper kick", descriptor: "deep", direction: "more" },
  { note: "bass tighter", descriptor: "tight", direction: "more" },
  { note: "punchier drums", descriptor: "punchy", direction: "more" },
  { note: "smoother vocal", descriptor: "smooth", direction: "more" },
  { note: "more aggressive vocal", descriptor: "aggressive", direction: "more" },
  { note: "more present keys", descriptor: "present", direction: "more" },
  { note: "vocal more forward", descriptor: "forward", direction: "more" },
  { note: "wider keys", descriptor: "wide", direction: "more" },
  { note: "wetter vocal", descriptor: "wet", direction: "more" },
  { note: "bigger drums", descriptor: "big", direction: "more" },
  { note: "more glue on the mix", descriptor: "glue", direction: "more" },
  { note: "louder bass", descriptor: "loud", direction: "more" },
  { note: "dirtier bass", descriptor: "dirty", direction: "more" },
];

describe("every descriptor's move, rendered and measured on song1", {
  skip: skipWithoutCorpus("song1"),
}, () => {
  let dir: string;
  let session: Session;
  let base: RenderedSpan;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "brief-"));
    session = await sessionFromStems(SONG, dir);
    base = await renderSpan(session, dir, SPAN);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("the cases cover every descriptor of the lexicon", () => {
    assert.deepEqual(CASES.map((c) => c.descriptor).sort(), DESCRIPTORS.map((d) => d.name).sort());
  });

  for (const c of CASES) {
    test(`"${c.note}": ${c.direction} ${c.descriptor}`, async () => {
      const p = proposeMoves(session, c.note, base.audioOf);
      assert.equal(p.notUnderstood.length, 0, JSON.stringify(p.notUnderstood));
      assert.equal(p.moves.length, 1);
      const m = p.moves[0];
      assert.equal(m.descriptor, c.descriptor);
      assert.equal(m.direction, c.direction);
      assert.ok(m.changes.length > 0, `no changes: ${m.reason}`);
      const d = descriptorByName(c.descriptor);
      const feature = featureFor(d, m.target);
      const changed = applyProposal(session, p);
      const afterRender = await renderSpan(changed, dir, SPAN);
      const was = measureTarget(session, base, m.target).features;
      const now = measureTarget(changed, afterRender, m.target).features;
      const wantSign = d.sign * (c.direction === "more" ? 1 : -1);
      const moved = (now[feature] - was[feature]) * wantSign;
      const detail = `${feature} ${was[feature]} → ${now[feature]} (predicted ${m.predicted.after}); ${m.reason}`;
      assert.ok(moved >= d.minChange, `moved ${moved.toFixed(2)} < ${d.minChange}: ${detail}`);
      for (const [f, bound] of Object.entries(d.bounds) as [FeatureName, number][]) {
        if (f === feature) continue;
        const drift = Math.abs(now[f] - was[f]);
        assert.ok(
          drift <= bound,
          `${f} drifted ${drift.toFixed(2)} > ${bound} (${was[f]} → ${now[f]}): ${detail}`,
        );
      }
    });
  }
});
