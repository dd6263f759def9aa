import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseSession } from "../session/load.ts";
import { DESCRIPTORS, descriptorWords } from "./lexicon.ts";
import { editDistance, parseNote, stem } from "./parse-note.ts";

const audio = (id: string) => ({
  sha256: "0".repeat(64),
  path: `${id}.wav`,
  sampleRate: 48000,
  channels: 1,
  frames: 48000,
});
const track = (id: string, name = id, extra: Record<string, unknown> = {}) => ({
  id,
  name,
  takes: [{ id: "t", clips: [{ audio: id, start: 0, length: 1 }] }],
  ...extra,
});
/** Song1's tracks, as `session init --from-stems` names them. */
const SONG1 = parseSession({
  version: 2,
  sampleRate: 48000,
  audio: Object.fromEntries(
    ["bass", "hats", "keys", "kick", "lead", "snare", "vox"].map((id) => [id, audio(id)]),
  ),
  tracks: ["bass", "hats", "keys", "kick", "lead", "snare", "vox"].map((id) => track(id)),
  sections: [{ name: "chorus", startBar: 17, endBar: 24 }],
});
/** A studio session: a drum bus, named vocal tracks, guitars, strings. */
const STUDIO = parseSession({
  version: 2,
  sampleRate: 48000,
  audio: Object.fromEntries(
    ["k", "s", "oh", "lv", "bv", "g1", "g2", "str", "pno"].map((id) => [id, audio(id)]),
  ),
  buses: [{ id: "drumbus", name: "Drum Bus", kind: "group" }],
  tracks: [
    track("k", "Kick In", { output: "drumbus" }),
    track("s", "Snare Top", { output: "drumbus" }),
    track("oh", "Overheads", { output: "drumbus" }),
    track("lv", "Lead Vocal"),
    track("bv", "BV 1"),
    track("g1", "Guitar L"),
    track("g2", "Guitar R"),
    track("str", "Strings"),
    track("pno", "Piano"),
  ],
});

/** `target:direction descriptor ×amount`, requests in order, `; ` between. */
function show(note: string, session = SONG1): { got: string; unknown: string } {
  const p = parseNote(note, session);
  return {
    got: p.requests
      .map((r) => `${r.target.id}:${r.direction} ${r.descriptor}${r.amount !== 1 ? ` x${r.amount}` : ""}`)
      .join("; "),
    unknown: p.notUnderstood
      .map(
        (u) =>
          `${u.kind === "target" ? "target " : ""}${u.word}${u.suggestions.length ? `→${u.suggestions[0]}` : ""}`,
      )
      .join("; "),
  };
}

/** [note, expected requests, expected not-understood] on song1. */
const CASES: [string, string, string?][] = [
  [
    "warmer and punchier drums, vocal a bit more forward, less reverb on the keys",
    "drums:more warm; drums:more punchy; vox:more forward x0.6; keys:less wet",
  ],
  ["the whole mix darker", "mix:less bright"],
  ["bass tighter", "bass:more tight"],
  ["Bridge vocal: more air, less push", "vox:more air; vox:less forward"],
  ["make it warmer", "mix:more warm"],
  ["muddy bass", "bass:less muddy"],
  ["the vocal sounds harsh", "vox:less harsh"],
  ["vocal is too bright", "vox:less bright"],
  ["too much reverb on the vox", "vox:less wet"],
  ["not so harsh on the vocal", "vox:less harsh"],
  ["less cold keys", "keys:more warm"],
  ["kick a touch louder", "kick:more loud x0.4"],
  ["way more air on the hats", "hats:more air x1.8"],
  ["turn the vocal up", "vox:more loud"],
  ["bring the keys down a bit", "keys:less loud x0.6"],
  ["vocal up 3 dB", "vox:more loud x1.5"],
  ["kick 40 dB louder", "kick:more loud x3"],
  ["more vocal", "vox:more loud"],
  ["less bass", "bass:less loud"],
  ["drums and bass tighter", "drums:more tight; bass:more tight"],
  ["snare punchier, kick deeper", "snare:more punchy; kick:more deep"],
  ["punchiest snare you can", "snare:more punchy"],
  ["wider keys and a drier vocal", "keys:more wide; vox:less wet"],
  ["make the lead less honky", "lead:less honky"],
  ["flute-ish lead? no, just less nasal lead", "lead:less nasal", "flute-ish"],
  ["glue the mix together", "mix:more glue"],
  ["more glue on the mix bus", "mix:more glue"],
  ["vox slightly less sibilant", "vox:less sibilant x0.5"],
  ["the whole thing bigger", "mix:more big"],
  ["keys thinner", "keys:less full"],
  ["bass dirtier", "bass:more dirty"],
  ["cleaner bass", "bass:less dirty"],
  ["less boxy snare", "snare:less boxy"],
  ["the hats are too crisp", "hats:less crisp"],
  ["vocal more present but less harsh", "vox:more present; vox:less harsh"],
  ["more space on the keys", "keys:more wet"],
  ["kick less boomy", "kick:less boomy"],
  ["smoother vocal please", "vox:more smooth"],
  ["make the vocal sound like that record", "vox:more reference"],
  ["mix like the reference", "mix:more reference"],
  ["vocal more aggressive", "vox:more aggressive"],
  ["everything a lot more open", "mix:more air x1.6"],
  ["the chorus vocal needs more presence", "vox:more present"],
  ["narrower keys", "keys:less wide"],
  ["less mud on the keys", "keys:less muddy"],
  // Refused or partly refused.
  ["crunchy drums", "", "crunchy→dirty"],
  ["warmer, crunchier drums", "drums:more warm", "crunchier→dirty"],
  ["more cowbell", "", "target cowbell→bass"],
  ["warmer strings", "", "target strings→bass"],
  ["louder trumpet", "", "target trumpet→bass"],
  ["asdf qwerty", "", "asdf; qwerty"],
  ["", ""],
  ["punchy drums, crunchy guitars", "drums:more punchy", "target guitars→bass; crunchy→dirty"],
  ["make it pop", "", "pop→punchy"],
];

describe("parseNote", () => {
  for (const [note, want, unknown = ""] of CASES) {
    test(JSON.stringify(note), () => {
      const r = show(note);
      assert.equal(r.got, want);
      assert.equal(r.unknown, unknown);
    });
  }

  test("has at least 40 cases, some refused", () => {
    assert.ok(CASES.length >= 40);
    assert.ok(CASES.filter((c) => c[2]).length >= 6);
  });

  test("resolves roles against a studio session: drum bus, lead vocal, guitars as a group, strings, piano", () => {
    assert.equal(show("warmer drums", STUDIO).got, "drumbus:more warm");
    assert.equal(show("vocal more forward", STUDIO).got, "lv:more forward");
    assert.equal(show("lead vocal brighter", STUDIO).got, "lv:more bright");
    assert.equal(show("wider guitars", STUDIO).got, "guitars:more wide");
    assert.equal(
      show("strings darker, piano a touch warmer", STUDIO).got,
      "str:less bright; pno:more warm x0.4",
    );
    assert.equal(show("kick in deeper", STUDIO).got, "k:more deep");
    const g = parseNote("wider guitars", STUDIO).requests[0].target;
    assert.equal(g.kind, "group");
    assert.deepEqual(g.trackIds, ["g1", "g2"]);
    const d = parseNote("warmer drums", STUDIO).requests[0].target;
    assert.deepEqual(d.trackIds, ["k", "s", "oh"]);
  });

  test("names the section a note mentions", () => {
    assert.equal(parseNote("chorus vocal brighter", SONG1).section, "chorus");
    assert.equal(parseNote("vocal brighter", SONG1).section, undefined);
  });
});

describe("the lexicon", () => {
  test("has at least 25 descriptors, each word meaning one thing", () => {
    assert.ok(DESCRIPTORS.length >= 25, `${DESCRIPTORS.length} descriptors`);
    const seen = new Map<string, string>();
    for (const d of DESCRIPTORS) {
      for (const w of [...d.words, ...d.opposites]) {
        assert.ok(!seen.has(w), `"${w}" is in ${seen.get(w)} and ${d.name}`);
        seen.set(w, d.name);
      }
      assert.ok(d.step > 0 && d.minChange > 0 && d.minChange <= d.step, d.name);
    }
    assert.ok(descriptorWords().size > 100);
  });

  test("stems comparatives and measures edit distance", () => {
    assert.equal(stem("punchier"), "punchy");
    assert.equal(stem("bigger"), "big");
    assert.equal(stem("warmest"), "warm");
    assert.equal(editDistance("crunchy", "crunchy"), 0);
    assert.equal(editDistance("dirty", "dirt"), 1);
  });
});
