import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { SessionRenderer } from "@controlroom/engine/render/renderer.ts";
import { parseSession } from "@controlroom/engine/session/load.ts";
import type { Session } from "@controlroom/engine/session/schema.ts";
import { unzipSync } from "fflate";
import { corpusPath, skipWithoutCorpus } from "../files/test-support.ts";
import { FileSourceProvider } from "../render/file-provider.ts";
import { dawprojectDocuments, exportDawproject, importDawproject } from "./dawproject.ts";
import { sha256File } from "./hash.ts";
import { parseXml } from "./xml.ts";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const SONG = corpusPath("song1");
const XSD = join(HERE, "dawproject-schema");
const hasXmllint = spawnSync("xmllint", ["--version"]).status === 0;

async function render(session: Session, dir: string, seconds: number): Promise<Float32Array[]> {
  const r = await SessionRenderer.create(session, new FileSourceProvider(dir), { start: 0, end: seconds });
  const out = [new Float32Array(r.frames), new Float32Array(r.frames)];
  for (let b = await r.next(), at = 0; b; at += b.frames, b = await r.next()) {
    out[0].set(b.mix[0], at);
    out[1].set(b.mix[1], at);
  }
  await r.close();
  return out;
}

describe("DAWproject", { skip: skipWithoutCorpus("song1") }, () => {
  let dir: string;
  let session: Session;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "cr-dawproject-"));
    const audio = {
      vox: {
        sha256: await sha256File(join(SONG, "vox.flac")),
        path: join(SONG, "vox.flac"),
        sampleRate: 48000,
        channels: 1,
        frames: 3072000,
      },
      keys: {
        sha256: await sha256File(join(SONG, "keys.flac")),
        path: join(SONG, "keys.flac"),
        sampleRate: 48000,
        channels: 2,
        frames: 3072000,
      },
    };
    session = parseSession({
      version: 2,
      name: "Round & trip <test>",
      sampleRate: 48000,
      tempo: [
        { bar: 1, bpm: 120 },
        { bar: 9, bpm: 100 },
      ],
      timeSignatures: [
        { bar: 1, numerator: 4, denominator: 4 },
        { bar: 5, numerator: 3, denominator: 4 },
      ],
      markers: [
        { name: "intro", bar: 1 },
        { name: "verse", bar: 5 },
        { name: "hit", bar: 6, beat: 2 },
      ],
      sections: [
        { name: "intro", startBar: 1, endBar: 4 },
        { name: "verse", startBar: 5, endBar: 13 },
      ],
      audio,
      buses: [
        { id: "verb", name: "Reverb", inserts: [{ type: "reverb", mix: 1 }], volumeDb: -4 },
        { id: "grp", kind: "group", pan: 0.2, output: "master" },
      ],
      tracks: [
        {
          id: "vox",
          name: "Lead vocal",
          volumeDb: -3.5,
          pan: -0.25,
          polarity: true,
          output: "grp",
          sends: [{ bus: "verb", levelDb: -12, pre: true }],
          automation: [
            {
              target: "volume",
              points: [
                { time: 1, value: -3.5 },
                { time: 2, value: -10 },
              ],
            },
          ],
          takes: [
            {
              id: "take1",
              clips: [
                {
                  audio: "vox",
                  start: 0.5,
                  offset: 16,
                  length: 3,
                  gainDb: 4,
                  fadeIn: { length: 0.05, shape: "linear" },
                  fadeOut: { length: 0.25, shape: "s-curve" },
                },
              ],
            },
          ],
        },
        {
          id: "keys",
          channels: 2,
          mute: false,
          solo: false,
          sends: [{ bus: "verb", levelDb: -20 }],
          takes: [{ id: "take1", clips: [{ audio: "keys", start: 0, offset: 0, length: 4 }] }],
        },
      ],
      master: { volumeDb: -1 },
    });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("writes project.xml and metadata.xml that validate against the published schemas", {
    skip: !hasXmllint && "xmllint not installed",
  }, () => {
    const docs = dawprojectDocuments(session, dir);
    writeFileSync(join(dir, "project.xml"), docs.project);
    writeFileSync(join(dir, "metadata.xml"), docs.metadata);
    for (const [doc, xsd] of [
      ["project.xml", "Project.xsd"],
      ["metadata.xml", "MetaData.xsd"],
    ]) {
      const r = spawnSync("xmllint", ["--noout", "--schema", join(XSD, xsd), join(dir, doc)], {
        encoding: "utf8",
      });
      assert.equal(r.status, 0, r.stderr);
    }
  });

  it("has the expected structure", () => {
    const root = parseXml(dawprojectDocuments(session, dir).project);
    assert.equal(root.name, "Project");
    const structure = root.children.find((c) => c.name === "Structure")!;
    const roles = structure.children.map((t) => t.children[0].attrs.role);
    assert.deepEqual(roles, ["regular", "regular", "effect", "submix", "master"]);
  });

  it("round-trips through export and import, and the import renders the same mix", async () => {
    const file = join(dir, "song.dawproject");
    await exportDawproject(session, dir, file);
    const zip = unzipSync(readFileSync(file));
    assert.deepEqual(Object.keys(zip).sort(), [
      "audio/keys.flac",
      "audio/vox.flac",
      "metadata.xml",
      "project.xml",
    ]);
    const outDir = join(dir, "imported");
    const back = await importDawproject(file, outDir);
    assert.equal(back.name, session.name);
    assert.deepEqual(back.tempo, session.tempo);
    assert.deepEqual(back.timeSignatures, session.timeSignatures);
    assert.deepEqual(back.markers, session.markers);
    assert.deepEqual(back.sections, session.sections);
    assert.equal(back.audio.vox.sha256, session.audio.vox.sha256);
    assert.equal(back.audio.vox.path, "audio/vox.flac");
    const close = (a: number, b: number, what: string) =>
      assert.ok(Math.abs(a - b) < 1e-9, `${what}: ${a} vs ${b}`);
    for (const [i, t] of session.tracks.entries()) {
      const u = back.tracks[i];
      assert.equal(u.id, t.id);
      assert.equal(u.name, t.name || t.id);
      assert.equal(u.channels, t.channels);
      assert.equal(u.polarity, t.polarity);
      assert.equal(u.output, t.output);
      close(u.volumeDb, t.volumeDb, `${t.id} volume`);
      close(u.pan, t.pan, `${t.id} pan`);
      assert.deepEqual(
        u.sends.map((s) => [s.bus, s.pre]),
        t.sends.map((s) => [s.bus, s.pre]),
      );
      for (const [j, s] of t.sends.entries()) close(u.sends[j].levelDb, s.levelDb, "send level");
      const c = t.takes[0].clips[0];
      const d = u.takes[0].clips[0];
      for (const k of ["start", "offset", "length", "gainDb"] as const)
        close(d[k], c[k], `${t.id} clip ${k}`);
      close(d.fadeIn.length, c.fadeIn.length, "fade in");
      close(d.fadeOut.length, c.fadeOut.length, "fade out");
      assert.equal(d.fadeIn.shape, c.fadeIn.shape);
      assert.equal(d.fadeOut.shape, c.fadeOut.shape);
      assert.equal(u.automation.length, t.automation.length);
      for (const [j, p] of (t.automation[0]?.points ?? []).entries()) {
        close(u.automation[0].points[j].value, p.value, "automation value");
        close(u.automation[0].points[j].time, p.time, "automation time");
      }
    }
    assert.deepEqual(
      back.buses.map((b) => [b.id, b.name, b.kind, b.inserts]),
      session.buses.map((b) => [b.id, b.name || b.id, b.kind, b.inserts]),
    );
    close(back.master.volumeDb, session.master.volumeDb, "master");
    // The imported session sounds the same.
    const a = await render(session, dir, 4);
    const b = await render(back, outDir, 4);
    let err = 0;
    for (let c = 0; c < 2; c++)
      for (let i = 0; i < a[c].length; i++) err = Math.max(err, Math.abs(a[c][i] - b[c][i]));
    assert.ok(err < 1e-6, `imported render differs by ${err}`);
  });

  it("imports a project timed in beats, with audio inside warps, as another DAW writes it", async () => {
    const project = `<?xml version="1.0" encoding="UTF-8"?>
<Project version="1.0">
  <Application name="Other DAW" version="5"/>
  <Transport>
    <Tempo unit="bpm" value="90" id="tempo"/>
    <TimeSignature numerator="4" denominator="4" id="sig"/>
  </Transport>
  <Structure>
    <Track contentType="audio" loaded="true" id="trk1" name="Guitar &amp; Amp">
      <Channel audioChannels="1" destination="mst" role="regular" solo="false" id="ch1">
        <Mute value="true" id="m1"/>
        <Pan unit="normalized" value="0.25" id="p1"/>
        <Volume unit="linear" value="0.5" id="v1"/>
      </Channel>
    </Track>
    <Track contentType="audio" loaded="true" id="trkM" name="Master">
      <Channel audioChannels="2" role="master" id="mst">
        <Volume unit="linear" value="1" id="vm"/>
      </Channel>
    </Track>
  </Structure>
  <Arrangement id="arr">
    <Lanes timeUnit="beats" id="l0">
      <Lanes track="trk1" id="l1">
        <Clips id="c1">
          <Clip time="4" duration="8" playStart="2" fadeTimeUnit="beats" fadeInTime="1" fadeOutTime="0.5">
            <Warps contentTimeUnit="seconds" timeUnit="beats" id="w1">
              <Audio channels="1" sampleRate="48000" duration="64" id="a1">
                <File path="audio/vox.flac"/>
              </Audio>
              <Warp time="0" contentTime="0"/>
              <Warp time="8" contentTime="5.333333"/>
            </Warps>
          </Clip>
        </Clips>
      </Lanes>
    </Lanes>
    <Markers id="mk"><Marker time="8" name="Verse"/></Markers>
  </Arrangement>
</Project>
`;
    const { zipSync } = await import("fflate");
    const file = join(dir, "foreign.dawproject");
    writeFileSync(
      file,
      zipSync({
        "project.xml": new TextEncoder().encode(project),
        "audio/vox.flac": new Uint8Array(readFileSync(join(SONG, "vox.flac"))),
      }),
    );
    const s = await importDawproject(file, join(dir, "foreign"));
    assert.equal(s.tempo[0].bpm, 90);
    const t = s.tracks[0];
    assert.equal(t.name, "Guitar & Amp");
    assert.equal(t.mute, true);
    assert.ok(Math.abs(t.pan + 0.5) < 1e-12);
    assert.ok(Math.abs(t.volumeDb - 20 * Math.log10(0.5)) < 1e-9);
    const c = t.takes[0].clips[0];
    // 4 beats at 90 bpm = 2.667 s; 8 beats = 5.333 s; a 2-beat offset = 1.333 s; fades 1 and 0.5 beats.
    assert.ok(Math.abs(c.start - 8 / 3) < 1e-9);
    assert.ok(Math.abs(c.length - 16 / 3) < 1e-9);
    assert.ok(Math.abs(c.offset - 4 / 3) < 1e-9);
    assert.ok(Math.abs(c.fadeIn.length - 2 / 3) < 1e-9);
    assert.ok(Math.abs(c.fadeOut.length - 1 / 3) < 1e-9);
    assert.deepEqual(s.markers, [{ name: "Verse", bar: 3, beat: 1 }]);
    assert.equal(s.audio[c.audio].frames, 3_072_000);
  });

  it("rejects a file that is not a DAWproject with one clear line", async () => {
    const bad = join(dir, "bad.dawproject");
    writeFileSync(bad, "not a zip");
    await assert.rejects(importDawproject(bad, join(dir, "x")), /bad\.dawproject: not a DAWproject zip/);
  });
});
