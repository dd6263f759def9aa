/**
 * The demo studio a newcomer sees on first start: a producer and a team, a workspace with two rooms, an EP
 * with three songs (arrangements, performers, takes, tasks), a schedule, a budget, and two mix versions of
 * the first song — audio synthesised by the engine's example song, never read from disk — with time-stamped
 * comments, a reply, an approval decision, credits and a delivery checklist; and the first song's multitrack
 * (drums, bass, keys, lead vocal synthesised by demo-stems.ts) as kept takes with a mix session over them,
 * so the mixer has strips and the render job has something to render.
 */
import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exampleSong } from "@controlroom/engine/generate/example-song.ts";
import { createAudioWriter } from "@controlroom/node/files/write.ts";
import { register } from "../accounts/accounts.ts";
import { uploadAudio } from "../blobs/uploads.ts";
import { addInvoice, createBudgetLine } from "../budget/budget.ts";
import type { Actor, Studio } from "../context.ts";
import { setCredits, setDeliveryItem } from "../credits/credits.ts";
import { submitJob } from "../jobs/jobs.ts";
import { createProject, setMemberRoles } from "../projects/projects.ts";
import { createWorkspace } from "../projects/workspaces.ts";
import { putSongSession } from "../renders/song-session.ts";
import { createBooking } from "../schedule/bookings.ts";
import { createRoom } from "../schedule/rooms.ts";
import { setArrangement } from "../songs/arrangement.ts";
import { createRecording } from "../songs/recordings.ts";
import { arrangementToSession } from "../songs/session-sync.ts";
import { createSong, setPerformers, setSongStatus } from "../songs/songs.ts";
import { createTake, decideTake } from "../takes/takes.ts";
import { createTask } from "../tasks/tasks.ts";
import { decideVersion } from "../versions/approvals.ts";
import { addComment } from "../versions/comments.ts";
import { createVersion } from "../versions/mix-versions.ts";
import { markSoundNote } from "../versions/sound-notes.ts";
import { type DemoStem, demoStems } from "./demo-stems.ts";

/** The demo producer's sign-in. */
export const DEMO_LOGIN = { email: "producer@demo.controlroom", password: "controlroom-demo" };

/** The demo's sound note on Night Drive's latest mix, in the words of the Glass City task ("Bridge vocal: …"). */
export const DEMO_SOUND_NOTE = "Chorus vocal: more air, less push";

/** What the seed made. */
export interface DemoSeed {
  projectId: string;
  workspaceId: string;
  producer: Actor;
  songIds: string[];
}

/** Seeds the demo once: does nothing (returns null) when the database already has accounts. */
export async function seedDemo(
  s: Studio,
  opts: { seconds?: number; now?: Date } = {},
): Promise<DemoSeed | null> {
  const any = await s.db.selectFrom("users").select("id").limit(1).executeTakeFirst();
  if (any) return null;
  const now = opts.now ?? new Date();
  const person = async (email: string, name: string, password = DEMO_LOGIN.password) => ({
    userId: (await register(s, { email, name, password })).id,
  });
  const producer = await person(DEMO_LOGIN.email, "Robin Producer");
  const engineer = await person("engineer@demo.controlroom", "Sam Engineer");
  const mixer = await person("mixer@demo.controlroom", "Alex Mixer");
  const mastering = await person("mastering@demo.controlroom", "Jo Mastering");
  const artist = await person("artist@demo.controlroom", "Kai Artist");
  const drummer = await person("drums@demo.controlroom", "Dee Drummer");
  const label = await person("label@demo.controlroom", "Lee A&R");

  const ws = await createWorkspace(s, producer, { name: "Robin's Studio" });
  const roomA = await createRoom(s, producer, ws.id, {
    name: "Studio A (live room)",
    hourlyRateMinor: 7500,
    currency: "EUR",
    freeCancellationHours: 72,
    lateCancellationPercent: 50,
  });
  const roomB = await createRoom(s, producer, ws.id, {
    name: "Studio B (mix room)",
    hourlyRateMinor: 4500,
    currency: "EUR",
  });
  const releaseDate = new Date(now.getTime() + 120 * 86400e3).toISOString().slice(0, 10);
  const project = await createProject(s, producer, {
    workspaceId: ws.id,
    title: "Night Drive EP",
    kind: "ep",
    releaseDate,
    currency: "EUR",
  });
  const P = project.id;
  await setMemberRoles(s, producer, P, { userId: producer.userId, roles: ["producer", "engineer"] });
  for (const [who, roles] of [
    [engineer, ["engineer"]],
    [mixer, ["mixing_engineer"]],
    [mastering, ["mastering_engineer"]],
    [artist, ["artist"]],
    [drummer, ["session_musician"]],
    [label, ["label"]],
  ] as const)
    await setMemberRoles(s, producer, P, { userId: who.userId, roles: [...roles] });

  // Songs with arrangements.
  const songs = [];
  for (const [title, key, bpm] of [
    ["Night Drive", "A minor", 120],
    ["Glass City", "F major", 98],
    ["Last Train", "C# minor", 132],
  ] as const) {
    songs.push(
      await createSong(s, producer, P, {
        title,
        key,
        tempoBpm: bpm,
        writers: ["Kai Artist", "Robin Producer"],
        lyrics: title === "Night Drive" ? "Headlights on the empty road…" : "",
      }),
    );
  }
  const [nd, gc, lt] = songs;
  let v = nd.version;
  const sections = await setArrangement(s, producer, nd.id, {
    version: v,
    sections: [
      { kind: "intro", bars: 2, enters: "drums, bass" },
      { kind: "verse", bars: 4, enters: "chords" },
      { kind: "chorus", bars: 4, enters: "lead vocal, doubled guitars" },
      { kind: "outro", bars: 2, enters: "fade" },
    ],
  });
  await setArrangement(s, producer, gc.id, {
    version: gc.version,
    sections: [
      { kind: "intro", bars: 4 },
      { kind: "verse", bars: 16 },
      { kind: "chorus", bars: 8 },
      { kind: "bridge", bars: 8 },
      { kind: "chorus", bars: 8 },
    ],
  });
  for (const song of [nd, gc])
    await setPerformers(s, producer, song.id, {
      performers: [{ userId: drummer.userId, instrument: "drums" }],
    });
  // Pipeline: Night Drive is in mixing, Glass City in overdubs, Last Train still pre-production.
  for (const [song, stages] of [
    [nd, ["pre_production", "tracking", "overdubs", "editing", "mixing"]],
    [gc, ["pre_production", "tracking", "overdubs"]],
    [lt, ["pre_production"]],
  ] as const) {
    v = (await s.db.selectFrom("songs").select("version").where("id", "=", song.id).executeTakeFirstOrThrow())
      .version;
    for (const st of stages)
      v = (await setSongStatus(s, producer, song.id, { version: v, status: st })).version;
  }
  await createRecording(s, producer, nd.id, { title: "Night Drive (EP version)", isrc: "QZ-DZ5-27-00001" });

  // Takes and the producer's decisions.
  for (let i = 0; i < 4; i++) {
    const take = await createTake(s, engineer, gc.id, {
      part: "drums",
      performerId: drummer.userId,
      sectionId: null,
    });
    const d = [
      { rating: 2, decision: "redo", notes: "rushing into the chorus" },
      { rating: 4, decision: "comp", notes: "great verse feel" },
      { rating: 3, decision: "comp", notes: "use the fill at bar 20" },
      { rating: 5, decision: "keep", notes: "the one" },
    ][i];
    await decideTake(s, producer, take.id, { version: take.version, ...d });
  }
  await createTake(s, engineer, gc.id, {
    part: "lead vocal",
    performerId: artist.userId,
    notes: "first pass, warming up",
  });
  await createTask(s, producer, nd.id, {
    kind: "overdub",
    title: "Double the chorus guitars",
    sectionId: sections[2].id,
    assigneeId: engineer.userId,
  });
  await createTask(s, producer, gc.id, {
    kind: "redo",
    title: "Bridge vocal: more air, less push",
    assigneeId: artist.userId,
  });
  await createTask(s, producer, gc.id, { kind: "fix", title: "Edit the snare flam at bar 33" });

  // Schedule: a past confirmed tracking day, an upcoming confirmed mix day, a hold.
  const day = (d: number, h: number) =>
    new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + d, h)).toISOString();
  await createBooking(s, producer, P, {
    title: "Tracking: drums for Glass City",
    roomId: roomA.id,
    people: [drummer.userId, engineer.userId],
    status: "confirmed",
    startsAt: day(-7, 9),
    endsAt: day(-7, 19),
    timeZone: "Europe/Berlin",
  });
  await createBooking(s, producer, P, {
    title: "Mix day: Night Drive",
    roomId: roomB.id,
    people: [mixer.userId],
    status: "confirmed",
    startsAt: day(3, 10),
    endsAt: day(3, 20),
    timeZone: "Europe/Berlin",
  });
  await createBooking(s, producer, P, {
    title: "Vocals: Last Train (hold)",
    roomId: roomA.id,
    people: [artist.userId, engineer.userId],
    status: "hold",
    startsAt: day(10, 12),
    endsAt: day(10, 18),
    timeZone: "Europe/Berlin",
  });

  // Budget.
  await createBudgetLine(s, producer, P, {
    category: "tracking",
    description: "Tracking days × day rate",
    quantity: 2,
    unitMinor: 60000,
  });
  await createBudgetLine(s, producer, P, {
    category: "studio",
    description: "Room hire",
    quantity: 1,
    unitMinor: 100000,
  });
  await createBudgetLine(s, producer, P, {
    category: "session_musicians",
    description: "Drums per song",
    quantity: 3,
    unitMinor: 25000,
  });
  await createBudgetLine(s, producer, P, {
    category: "mixing",
    description: "Mixing per song",
    quantity: 3,
    unitMinor: 40000,
  });
  await createBudgetLine(s, producer, P, {
    category: "mastering",
    description: "Mastering per song",
    quantity: 3,
    unitMinor: 12000,
  });
  await addInvoice(s, producer, P, {
    category: "session_musicians",
    description: "Dee Drummer — 1 day",
    amountMinor: 30000,
  });

  // Audio: two mixes of Night Drive synthesised by the engine (v2 is 3 dB louder: A/B gains level them).
  const dir = await mkdtemp(join(tmpdir(), "controlroom-demo-"));
  try {
    const versions = [];
    for (const [seed, gain, label2] of [
      [1, 1, "first mix"],
      [2, 1.41, "vocal up, louder"],
    ] as const) {
      const audio = exampleSong({ sampleRate: 48000, seconds: opts.seconds ?? 24, seed });
      for (const ch of audio) for (let i = 0; i < ch.length; i++) ch[i] *= gain;
      const path = join(dir, `mix-${seed}.wav`);
      const w = await createAudioWriter(path, {
        sampleRate: 48000,
        channels: 2,
        bitDepth: 24,
        ditherSeed: seed,
      });
      await w.write(audio);
      await w.close();
      const blob = await uploadAudio(s, mixer, P, createReadStream(path));
      versions.push(
        await createVersion(s, mixer, nd.id, { kind: "mix", label: label2, blobSha256: blob.sha256 }),
      );
    }
    const [v1, v2] = versions;
    const c1 = await addComment(s, producer, v1.id, {
      body: "Kick and bass fight around 60 Hz",
      atSeconds: 4,
      endSeconds: 8,
    });
    await addComment(s, mixer, v1.id, { body: "Carved the bass at 60 Hz in v2", parentId: c1.id });
    await addComment(s, artist, v1.id, { body: "Vocal too low in the chorus", atSeconds: 12 });
    await decideVersion(s, producer, v1.id, { state: "needs_changes", note: "see comments" });
    await addComment(s, producer, v2.id, {
      body: "Much better. Is the chorus lift too much?",
      atSeconds: 12.5,
    });
    await addComment(s, label, v2.id, { body: "Label loves it", atSeconds: null });
    if (s.jobs)
      for (const ver of versions)
        await submitJob(s, producer, P, { kind: "analyze", input: { versionId: ver.id } });

    // The multitrack: one take per part (analysed by the jobs their creation queues) and a mix session
    // over them, so the mixer opens on real strips and the render job can make a mix from them.
    const seconds = opts.seconds ?? 24;
    const tracks: Record<string, unknown>[] = [];
    const audio: Record<string, unknown> = {};
    const MIX: Record<DemoStem["part"], Record<string, unknown>> = {
      drums: { volumeDb: -2 },
      bass: { volumeDb: -3 },
      keys: { volumeDb: -7, sends: [{ bus: "verb", levelDb: -16 }] },
      "lead vocal": {
        volumeDb: -1,
        pan: 0.05,
        inserts: [{ type: "compressor", thresholdDb: -20, ratio: 3 }],
        sends: [{ bus: "verb", levelDb: -12 }],
      },
    };
    for (const stem of demoStems(48000, seconds)) {
      const id = stem.part.replace(/\s+/g, "_");
      const path = join(dir, `${id}.wav`);
      const w = await createAudioWriter(path, {
        sampleRate: 48000,
        channels: stem.channels.length,
        bitDepth: 24,
        ditherSeed: 3,
      });
      await w.write(stem.channels);
      await w.close();
      const blob = await uploadAudio(s, engineer, P, createReadStream(path));
      const who = stem.part === "drums" ? drummer : stem.part === "lead vocal" ? artist : null;
      const take = await createTake(s, engineer, nd.id, {
        part: stem.part,
        ...(who ? { performerId: who.userId } : { performerName: "Sam Engineer" }),
        notes: "demo multitrack",
        blobSha256: blob.sha256,
      });
      await decideTake(s, producer, take.id, { version: take.version, rating: 4, decision: "keep" });
      const frames = stem.channels[0].length;
      audio[id] = {
        sha256: blob.sha256,
        path: `${id}.wav`,
        sampleRate: 48000,
        channels: stem.channels.length,
        frames,
      };
      tracks.push({
        id,
        name: stem.part[0].toUpperCase() + stem.part.slice(1),
        channels: stem.channels.length,
        ...MIX[stem.part],
        activeTake: `take${take.number}`,
        takes: [{ id: `take${take.number}`, clips: [{ audio: id, start: 0, length: frames / 48000 }] }],
      });
    }
    await putSongSession(s, mixer, nd.id, {
      version: 0,
      session: {
        version: 2,
        name: "Night Drive",
        sampleRate: 48000,
        tempo: [{ bar: 1, beat: 1, bpm: 120 }],
        timeSignatures: [{ bar: 1, numerator: 4, denominator: 4 }],
        ...arrangementToSession(sections),
        audio,
        buses: [{ id: "verb", kind: "aux", inserts: [{ type: "reverb", mix: 1 }] }],
        tracks,
        master: { volumeDb: 0, inserts: [] },
      },
    });
    // The producer's sound note over the chorus of the latest mix (bars 7–10 of 12), proposed against the
    // session by a job: the engineer opens it in the mixer, hears the moves and accepts or rejects them.
    const note = await addComment(s, producer, v2.id, {
      body: DEMO_SOUND_NOTE,
      atSeconds: seconds / 2,
      endSeconds: (seconds * 5) / 6,
    });
    if (s.jobs) await markSoundNote(s, producer, note.id);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  await setCredits(s, producer, nd.id, {
    credits: [
      { kind: "writer", name: "Kai Artist", sharePercent: 60 },
      { kind: "writer", name: "Robin Producer", sharePercent: 40 },
      { kind: "publisher", name: "Night Drive Music", sharePercent: 100 },
      { kind: "performer", name: "Dee Drummer", role: "drums" },
      { kind: "production", name: "Robin Producer", role: "producer" },
      { kind: "production", name: "Alex Mixer", role: "mixing engineer" },
    ],
  });
  for (const item of ["lyrics", "artwork"]) await setDeliveryItem(s, producer, nd.id, { item, done: true });
  return { projectId: P, workspaceId: ws.id, producer, songIds: songs.map((x) => x.id) };
}
