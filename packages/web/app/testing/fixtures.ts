/**
 * What the server answers, for the component tests: a song, its project, takes, versions, comments and a
 * mix session document checked by the engine (so it is one the server would store). Each builder takes
 * overrides.
 */
import { parseSession } from "@controlroom/engine/session/load.ts";
import type { SessionInput } from "@controlroom/engine/session/schema.ts";

const AT = "2025-03-01T12:00:00.000Z";
/** A sha256 made of one repeated hex digit: "a" → "aaaa…" (64). */
export const sha = (digit: string) => digit.repeat(64);

export function song(o: Record<string, unknown> = {}) {
  return {
    id: "s1",
    projectId: "p1",
    title: "City Hums",
    position: 1,
    status: "mixing",
    key: "A minor",
    tempoBpm: 120,
    writers: ["Pat Producer"],
    lyrics: "",
    notes: "",
    sessionId: null,
    version: 1,
    updatedAt: AT,
    performers: [],
    history: [],
    ...o,
  };
}

/** A project as `roles` see it (producer by default). */
export function project(roles: string[] = ["producer"], o: Record<string, unknown> = {}) {
  return {
    id: "p1",
    workspaceId: "w1",
    title: "First Album",
    kind: "album",
    status: "active",
    releaseDate: null,
    upc: null,
    currency: "EUR",
    version: 1,
    myRoles: roles,
    ...o,
  };
}

export function take(o: Record<string, unknown> = {}) {
  return {
    id: "t1",
    songId: "s1",
    part: "drums",
    number: 1,
    performerId: null,
    performerName: "Eve Engineer",
    sectionId: null,
    recordingId: null,
    rating: null,
    notes: "",
    decision: null,
    blobSha256: sha("a"),
    integratedLufs: null,
    truePeakDbtp: null,
    durationSeconds: null,
    analysisJobId: null,
    problems: null,
    repairedFromTakeId: null,
    repairJobId: null,
    version: 1,
    createdAt: AT,
    ...o,
  };
}

export function version(o: Record<string, unknown> = {}) {
  return {
    id: "v1",
    songId: "s1",
    kind: "mix",
    number: 1,
    label: "first",
    blobSha256: sha("1"),
    integratedLufs: -20,
    matchGainDb: 0,
    approvalState: "in_review",
    uploadedBy: "u-pat",
    createdAt: AT,
    ...o,
  };
}

export function comment(o: Record<string, unknown> = {}) {
  return {
    id: "c1",
    versionId: "v1",
    parentId: null,
    authorId: "u-pat",
    authorName: "Pat Producer",
    body: "Vocal too loud here",
    atSeconds: 3,
    endSeconds: null,
    resolvedAt: null,
    resolvedBy: null,
    version: 1,
    createdAt: AT,
    soundNote: false,
    replies: [],
    ...o,
  };
}

/** A finished job with `result`. */
export function doneJob(result: unknown, o: Record<string, unknown> = {}) {
  return {
    id: "j1",
    kind: "render",
    projectId: "p1",
    status: "done",
    input: {},
    result,
    error: null,
    progress: 1,
    attempts: 1,
    createdAt: AT,
    updatedAt: AT,
    ...o,
  };
}

/**
 * A two-track session (drums and bass, mono, 4 s at 48 kHz), checked by the engine's own parser.
 * @param edit changes the document before it is checked.
 */
export function sessionDoc(edit: (d: SessionInput) => void = () => {}) {
  const doc: SessionInput = {
    version: 2,
    name: "City Hums",
    sampleRate: 48000,
    audio: {
      drums_1: { sha256: sha("a"), path: "drums_1.wav", sampleRate: 48000, channels: 1, frames: 192000 },
      bass_2: { sha256: sha("b"), path: "bass_2.wav", sampleRate: 48000, channels: 1, frames: 192000 },
    },
    tracks: [
      {
        id: "drums_1",
        name: "drums",
        takes: [{ id: "take1", clips: [{ audio: "drums_1", start: 0, length: 4 }] }],
      },
      {
        id: "bass_2",
        name: "bass",
        takes: [{ id: "take1", clips: [{ audio: "bass_2", start: 0, length: 4 }] }],
      },
    ],
  };
  edit(doc);
  return parseSession(doc, "fixture");
}

/** The song's stored session as the API answers. */
export function songSession(version = 1, doc = sessionDoc()) {
  return { songId: "s1", version, session: doc, updatedBy: "u-pat", updatedAt: AT };
}
