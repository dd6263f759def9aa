/**
 * What the API answers: one zod schema per response shape, as it crosses the wire (times are ISO 8601
 * strings). Routes declare their success response with these (routes/*.ts), the OpenAPI document lists the
 * named shapes under `components.schemas`, tests check every handler's answer against its schema (route.ts),
 * and the web client takes its types from here (`import type`, so none of this reaches the browser bundle).
 * A shape used by more than one route is declared once, here, with `shape(name, …)`.
 */
import { sessionSchema } from "@controlroom/engine/session/schema.ts";
import { z } from "zod";

/** The named response shapes, schema → name (`components.schemas` of the OpenAPI document). */
export const RESPONSE_SHAPES = new Map<z.ZodType, string>();

/** Names a shared response shape. */
function shape<S extends z.ZodType>(name: string, schema: S): S {
  RESPONSE_SHAPES.set(schema, name);
  return schema;
}

const time = z.iso.datetime().describe("ISO 8601 time (UTC)");
const id = z.string();

// Accounts and system.

export const Ok = shape("Ok", z.object({ ok: z.literal(true) }));
export type Ok = z.output<typeof Ok>;
/** The answer of a route with nothing else to say. */
export const OK: Ok = { ok: true };

export const User = shape("User", z.object({ id, email: z.string(), name: z.string() }));
export type User = z.output<typeof User>;

/** The session as the app reads it on load: the signed-in user, or null. */
export const Session = shape("Session", z.object({ user: User.nullable() }));

/** Signed in: the user, when the session ends, and (for `kind: "token"`) the bearer token, shown once. */
export const SignedIn = shape(
  "SignedIn",
  z.object({ user: User, token: z.string().optional(), expiresAt: time }),
);
export type SignedIn = z.output<typeof SignedIn>;

export const Health = shape(
  "Health",
  z.object({
    ok: z.boolean(),
    database: z.object({
      ok: z.boolean(),
      kind: z.string().describe("pglite | postgres"),
      latencyMs: z.number().optional(),
      error: z.string().optional(),
    }),
    queue: z.object({
      kind: z.string().describe("in-process | pg-boss | none"),
      ok: z.boolean(),
      detail: z.string(),
    }),
  }),
);
export type Health = z.output<typeof Health>;

export const OpenApiDocument = shape(
  "OpenApiDocument",
  z.object({
    openapi: z.string(),
    info: z.object({ title: z.string(), version: z.string(), description: z.string() }),
    components: z.object({
      schemas: z.record(z.string(), z.unknown()),
      securitySchemes: z.record(z.string(), z.unknown()),
    }),
    security: z.array(z.record(z.string(), z.array(z.string()))),
    paths: z.record(z.string(), z.record(z.string(), z.unknown())).describe("path → method → operation"),
  }),
);
export type OpenApiDocument = z.output<typeof OpenApiDocument>;

// Workspaces, projects, team.

export const Workspace = shape("Workspace", z.object({ id, name: z.string(), isOwner: z.boolean() }));
export type Workspace = z.output<typeof Workspace>;

export const Room = shape(
  "Room",
  z.object({
    id,
    workspaceId: id,
    name: z.string(),
    hourlyRateMinor: z.number().describe("minor units of `currency`"),
    currency: z.string(),
    freeCancellationHours: z.number(),
    lateCancellationPercent: z.number(),
  }),
);
export type Room = z.output<typeof Room>;

export const Project = shape(
  "Project",
  z.object({
    id,
    workspaceId: id,
    title: z.string(),
    kind: z.string().describe("album | ep | single"),
    status: z.string(),
    releaseDate: z.iso.date().nullable(),
    upc: z.string().nullable(),
    currency: z.string(),
    version: z.number(),
    myRoles: z.array(z.string()),
  }),
);
export type Project = z.output<typeof Project>;

export const Member = shape(
  "Member",
  z.object({ userId: id, name: z.string(), email: z.string(), roles: z.array(z.string()) }),
);
export type Member = z.output<typeof Member>;

export const Invitation = shape(
  "Invitation",
  z.object({
    id,
    projectId: id,
    email: z.string(),
    roles: z.array(z.string()),
    invitedByName: z.string(),
    createdAt: time,
  }),
);
export type Invitation = z.output<typeof Invitation>;

export const InviteResult = shape(
  "InviteResult",
  z.discriminatedUnion("status", [
    z.object({ status: z.literal("added"), team: z.array(Member) }),
    z.object({
      status: z.literal("pending"),
      invitation: Invitation,
      token: z.string().describe("the invitation link's secret (shown once): /?invite=<token>"),
    }),
  ]),
);

export const InvitationPreview = shape(
  "InvitationPreview",
  z.object({
    projectTitle: z.string(),
    email: z.string(),
    roles: z.array(z.string()),
    invitedByName: z.string(),
  }),
);

export const AuditEntry = shape(
  "AuditEntry",
  z.object({
    id: z.number(),
    actorId: z.string().nullable(),
    actorName: z.string().nullable(),
    action: z.string(),
    subjectId: z.string().nullable(),
    detail: z.record(z.string(), z.unknown()),
    at: time,
  }),
);
export type AuditEntry = z.output<typeof AuditEntry>;

// Schedule and budget.

export const Booking = shape(
  "Booking",
  z.object({
    id,
    projectId: id,
    title: z.string(),
    roomId: z.string().nullable(),
    roomName: z.string().nullable(),
    people: z.array(id),
    status: z.enum(["hold", "confirmed", "cancelled"]),
    startsAt: time,
    endsAt: time,
    timeZone: z.string(),
    localStart: z.string().describe('wall-clock start in `timeZone`, e.g. "2027-03-01 10:00"'),
    localEnd: z.string(),
    costMinor: z.number(),
    cancellationFeeMinor: z.number(),
    version: z.number(),
  }),
);
export type Booking = z.output<typeof Booking>;

export const BudgetLine = shape(
  "BudgetLine",
  z.object({
    id,
    category: z.string(),
    description: z.string(),
    songId: z.string().nullable(),
    quantity: z.number(),
    unitMinor: z.number(),
    plannedMinor: z.number(),
    version: z.number(),
  }),
);
export type BudgetLine = z.output<typeof BudgetLine>;

export const BudgetTotals = shape(
  "BudgetTotals",
  z.object({
    plannedMinor: z.number(),
    actualMinor: z.number(),
    remainingMinor: z.number().describe("planned − actual (negative when over)"),
    over: z.boolean(),
  }),
);
export type BudgetTotals = z.output<typeof BudgetTotals>;

export const BudgetSummary = shape(
  "BudgetSummary",
  z.object({
    currency: z.string(),
    lines: z.array(BudgetLine),
    actuals: z.array(
      z.object({
        id,
        category: z.string(),
        source: z.string(),
        bookingId: z.string().nullable(),
        description: z.string(),
        amountMinor: z.number(),
      }),
    ),
    byCategory: z.record(z.string(), BudgetTotals),
    total: BudgetTotals,
    warnings: z.array(z.string()),
  }),
);
export type BudgetSummary = z.output<typeof BudgetSummary>;

// Songs.

export const StatusChange = shape(
  "StatusChange",
  z.object({ from: z.string().nullable(), to: z.string(), by: id, byName: z.string(), at: time }),
);
export type StatusChange = z.output<typeof StatusChange>;

const songFields = {
  id,
  projectId: id,
  title: z.string(),
  position: z.number(),
  status: z.string(),
  key: z.string().nullable(),
  tempoBpm: z.number().nullable(),
  writers: z.array(z.string()),
  notes: z.string(),
  sessionId: z.string().nullable(),
  version: z.number(),
  updatedAt: time,
};

/** A song in a list (without performers and lyrics). */
export const SongSummary = shape("SongSummary", z.object(songFields));
export type SongSummary = z.output<typeof SongSummary>;

export const Song = shape(
  "Song",
  z.object({
    ...songFields,
    lyrics: z.string(),
    performers: z.array(z.object({ userId: id, name: z.string(), instrument: z.string() })),
  }),
);
export type Song = z.output<typeof Song>;

/** A song with its pipeline history. */
export const SongDetail = shape("SongDetail", Song.extend({ history: z.array(StatusChange) }));
export type SongDetail = z.output<typeof SongDetail>;

export const Section = shape(
  "Section",
  z.object({
    id,
    position: z.number(),
    kind: z.string(),
    label: z.string(),
    bars: z.number(),
    startBar: z.number().describe("first bar, counting from 1"),
    enters: z.string(),
    markerSeconds: z.number().nullable().describe("start in seconds at the song's tempo (null without one)"),
  }),
);
export type Section = z.output<typeof Section>;

export const Recording = shape(
  "Recording",
  z.object({
    id,
    songId: id,
    title: z.string(),
    status: z.string(),
    isrc: z.string().nullable(),
    version: z.number(),
    history: z.array(StatusChange),
  }),
);
export type Recording = z.output<typeof Recording>;

export const TakeProblems = shape(
  "TakeProblems",
  z.object({
    summary: z.array(z.string()).describe('badges, one per problem found ("12 clicks", "hum 50 Hz −30 dB")'),
    clicks: z.number().describe("impulsive clicks, all channels (crackle bursts included)"),
    crackle: z.number().describe("crackle bursts"),
    hum: z
      .object({ fundamentalHz: z.number(), levelDb: z.number().describe("dBFS") })
      .nullable()
      .describe("mains hum, or null"),
    clippedRuns: z.number(),
    clippedSamples: z.number(),
    noiseFloorDb: z.number().nullable().describe("dBFS, noisiest channel"),
    dcDb: z.number().nullable().describe("largest DC offset, dBFS"),
    fixes: z.array(z.string()).describe('what a repair with "auto" would fix, in order'),
  }),
);
export type TakeProblems = z.output<typeof TakeProblems>;

export const Take = shape(
  "Take",
  z.object({
    id,
    songId: id,
    part: z.string(),
    number: z.number(),
    performerId: z.string().nullable(),
    performerName: z.string(),
    sectionId: z.string().nullable(),
    recordingId: z.string().nullable(),
    rating: z.number().nullable(),
    notes: z.string(),
    decision: z.string().nullable(),
    blobSha256: z.string().nullable(),
    integratedLufs: z.number().nullable(),
    truePeakDbtp: z.number().nullable(),
    durationSeconds: z.number().nullable(),
    analysisJobId: z.string().nullable(),
    problems: TakeProblems.nullable().describe("what the take analysis found to repair; null until analysed"),
    repairedFromTakeId: z.string().nullable().describe("a repaired take: the take it was repaired from"),
    repairJobId: z.string().nullable().describe("the repair job that made this take"),
    version: z.number(),
    createdAt: time,
  }),
);
export type Take = z.output<typeof Take>;

export const RepairResult = shape(
  "RepairResult",
  z.object({
    takeId: z.string().nullable().describe("the new take (a take was repaired)"),
    versionId: z.string().nullable().describe("the new version (a version was repaired)"),
    sourceTakeId: z.string().nullable(),
    sourceVersionId: z.string().nullable(),
    songId: id,
    label: z.string().nullable(),
    repaired: z.object({ sha256: z.string(), size: z.number(), format: z.string() }),
    integratedLufs: z.number().describe("of the repaired file, LUFS"),
    truePeakDbtp: z.number().nullable(),
    durationSeconds: z.number(),
    fixes: z.array(z.string()).describe("the fixes made, in order"),
    found: z.array(z.string()).describe("the original's badges"),
    done: z.array(z.string()).describe("one line per fix made"),
    problemsAfter: TakeProblems.nullable().describe("what is still found in a repaired take"),
    report: z
      .record(z.string(), z.unknown())
      .describe("the engine's repair report: found (positions, severity), actions, gain"),
  }),
);
export type RepairResult = z.output<typeof RepairResult>;

export const TakeRepairReport = shape(
  "TakeRepairReport",
  z.object({
    takeId: id,
    repairedFromTakeId: z.string().nullable(),
    jobId: id,
    report: RepairResult,
  }),
);
export type TakeRepairReport = z.output<typeof TakeRepairReport>;

export const Task = shape(
  "Task",
  z.object({
    id,
    songId: id,
    songTitle: z.string(),
    sectionId: z.string().nullable(),
    kind: z.string(),
    title: z.string(),
    assigneeId: z.string().nullable(),
    doneAt: time.nullable(),
    doneBy: z.string().nullable(),
    version: z.number(),
  }),
);
export type Task = z.output<typeof Task>;

export const Credit = shape(
  "Credit",
  z.object({ kind: z.string(), name: z.string(), role: z.string(), sharePercent: z.number().nullable() }),
);
export type Credit = z.output<typeof Credit>;

export const DeliveryItem = shape(
  "DeliveryItem",
  z.object({ item: z.string(), done: z.boolean(), doneBy: z.string().nullable(), doneAt: time.nullable() }),
);
export type DeliveryItem = z.output<typeof DeliveryItem>;

export const DeliveryChecklist = shape(
  "DeliveryChecklist",
  z.object({ items: z.array(DeliveryItem), complete: z.boolean() }),
);
export type DeliveryChecklist = z.output<typeof DeliveryChecklist>;

// Versions and feedback.

export const MixVersion = shape(
  "MixVersion",
  z.object({
    id,
    songId: id,
    kind: z.enum(["mix", "master"]),
    number: z.number(),
    label: z.string(),
    blobSha256: z.string().nullable(),
    integratedLufs: z.number().nullable(),
    matchGainDb: z.number().nullable().describe("gain for a loudness-matched A/B, dB (≤ 0)"),
    approvalState: z.string(),
    uploadedBy: id,
    createdAt: time,
  }),
);
export type MixVersion = z.output<typeof MixVersion>;

export const Approval = shape(
  "Approval",
  z.object({
    versionId: id,
    state: z.string(),
    decidedBy: id,
    decidedByName: z.string(),
    note: z.string(),
    decidedAt: time,
  }),
);
export type Approval = z.output<typeof Approval>;

/** A comment with its replies (replies have none of their own). */
export const Comment = z.object({
  id,
  versionId: id,
  parentId: z.string().nullable(),
  authorId: id,
  authorName: z.string(),
  body: z.string(),
  atSeconds: z.number().nullable(),
  endSeconds: z.number().nullable(),
  resolvedAt: time.nullable(),
  resolvedBy: z.string().nullable(),
  version: z.number(),
  createdAt: time,
  soundNote: z
    .boolean()
    .describe("marked as a sound note (its proposal: GET /api/comments/{commentId}/sound-note)"),
  get replies(): z.ZodArray<typeof Comment> {
    return z.array(Comment);
  },
});
shape("Comment", Comment);
export type Comment = z.output<typeof Comment>;

const NoteJob = z.object({
  id,
  status: z.enum(["queued", "running", "done", "failed", "cancelled"]),
  progress: z.number().describe("0…1"),
  error: z.string().nullable(),
});
const FeatureChange = z.object({
  feature: z.string().describe("feature name (engine brief features: airDb, presenceDb, levelInMixDb, …)"),
  before: z.number(),
  after: z.number(),
});
const SoundNoteMove = z.looseObject({
  target: z.looseObject({
    kind: z.enum(["track", "bus", "group", "mix"]),
    id: z.string(),
    name: z.string(),
    trackIds: z.array(z.string()),
  }),
  descriptor: z.string().describe("lexicon descriptor (air, forward, warm, …)"),
  direction: z.enum(["more", "less"]),
  amount: z.number().describe("1 for a plain request, less for 'a touch', more for 'much'"),
  changes: z.array(z.looseObject({ op: z.string() })).describe("session edits (engine brief SessionChange)"),
  changeLines: z.array(z.string()).describe("each change in words"),
  reason: z.string().describe("one line naming the measured numbers"),
  predicted: FeatureChange,
  measured: FeatureChange.extend({ expected: z.number(), ok: z.boolean() })
    .optional()
    .describe(
      "after the accepted moves were rendered: measured, the value predicted for that state, agreement",
    ),
});
export const SoundNote = shape(
  "SoundNote",
  z.object({
    commentId: id,
    songId: id,
    versionId: id,
    note: z.string(),
    state: z.enum(["proposing", "proposed", "accepted", "rejected"]),
    sessionVersion: z.number(),
    span: z.object({ start: z.number(), end: z.number() }).nullable().describe("seconds measured"),
    job: NoteJob.nullable(),
    moves: z.array(SoundNoteMove),
    notUnderstood: z.array(
      z.object({ word: z.string(), suggestions: z.array(z.string()), kind: z.enum(["word", "target"]) }),
    ),
    section: z.string().nullable(),
    acceptedMoves: z.array(SoundNoteMove).nullable(),
    decidedBy: z.string().nullable(),
    decidedAt: time.nullable(),
    replyId: z.string().nullable(),
    acceptedSessionVersion: z.number().nullable(),
    render: NoteJob.nullable(),
    doneIn: z
      .object({ versionId: id, number: z.number(), label: z.string() })
      .nullable()
      .describe("the mix version the accepted moves became"),
    version: z.number(),
    createdAt: time,
  }),
);
export type SoundNote = z.output<typeof SoundNote>;

export const VersionReport = shape(
  "VersionReport",
  z.object({
    versionId: id,
    jobId: id,
    kind: z.string().describe("render | master | repair"),
    report: z.unknown().describe("the job's result (see the render and master job kinds)"),
    createdAt: time,
  }),
);
export type VersionReport = z.output<typeof VersionReport>;

export const Dashboard = shape(
  "Dashboard",
  z.object({
    project: Project,
    team: z.array(Member),
    songCount: z.number(),
    stages: z.record(z.string(), z.number()).describe("songs at each pipeline stage"),
    songs: z.array(
      z.object({
        id,
        title: z.string(),
        position: z.number(),
        status: z.string(),
        openComments: z.number(),
        openTasks: z.number(),
        latestVersion: z
          .object({ kind: z.string(), number: z.number(), approvalState: z.string() })
          .nullable(),
      }),
    ),
    openTasks: z.number(),
    upcomingBookings: z.array(Booking),
    budget: z
      .object({ currency: z.string(), total: BudgetTotals, warnings: z.array(z.string()) })
      .nullable()
      .describe("null for roles that do not see the budget"),
    recent: z.array(AuditEntry).nullable().describe("null for roles that do not see the audit log"),
  }),
);
export type Dashboard = z.output<typeof Dashboard>;

// Files, jobs, sessions.

export const StoredBlob = shape(
  "StoredBlob",
  z.object({
    sha256: z.string(),
    size: z.number().describe("bytes"),
    format: z.enum(["wav", "aiff", "flac", "ogg", "mp3"]),
    existed: z.boolean().describe("the same bytes were stored already"),
  }),
);
export type StoredBlob = z.output<typeof StoredBlob>;

export const Peaks = shape(
  "Peaks",
  z.object({
    duration: z.number().describe("seconds"),
    sampleRate: z.number(),
    framesPerBucket: z.number(),
    peaks: z.array(z.array(z.number())).describe("per channel, [min, max] of each bucket flattened"),
    cached: z.boolean(),
  }),
);
export type Peaks = z.output<typeof Peaks>;

export const Job = shape(
  "Job",
  z.object({
    id,
    kind: z.string(),
    projectId: z.string().nullable(),
    status: z.enum(["queued", "running", "done", "failed", "cancelled"]),
    input: z.unknown().describe("the worker's input (see the job kinds)"),
    result: z.unknown().describe("the job's result once done, else null (see the job kinds)"),
    error: z.string().nullable(),
    progress: z.number().describe("0…1"),
    attempts: z.number(),
    createdAt: time,
    updatedAt: time,
  }),
);
export type Job = z.output<typeof Job>;

export const SongSession = shape(
  "SongSession",
  z.object({
    songId: id,
    version: z.number().describe("bumped by every save"),
    session: sessionSchema.describe("the engine's session document, defaults filled in"),
    updatedBy: id,
    updatedAt: time,
  }),
);
export type SongSession = z.output<typeof SongSession>;
