/** The overdub and task list: what still has to be recorded, redone or fixed, per song and section. */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Actor, Studio } from "../context.ts";
import { forbidden, invalid, notFound, parseInput } from "../errors.ts";
import { updateVersioned } from "../store/versioned.ts";
import { authorize, authorizeSong, rolesOn, seesAllSongs } from "../team/access.ts";
import { allows } from "../team/roles.ts";

export const TASK_KINDS = ["overdub", "redo", "fix", "other"] as const;

export const CreateTaskInput = z.object({
  kind: z.enum(TASK_KINDS),
  title: z.string().trim().min(1).max(500),
  sectionId: z.string().min(1).nullish(),
  assigneeId: z.string().min(1).nullish(),
});
export const CompleteTaskInput = z.object({ version: z.number().int().positive(), done: z.boolean() });
export const ListTasksQuery = z.object({
  open: z
    .enum(["true", "false"])
    .transform((x) => x === "true")
    .optional(),
  songId: z.string().optional(),
});

/** A task as the API shows it. */
export interface Task {
  id: string;
  songId: string;
  songTitle: string;
  sectionId: string | null;
  kind: string;
  title: string;
  assigneeId: string | null;
  doneAt: Date | null;
  doneBy: string | null;
  version: number;
}

function taskQuery(s: Studio) {
  return s.db
    .selectFrom("tasks")
    .innerJoin("songs", "songs.id", "tasks.song_id")
    .select([
      "tasks.id",
      "tasks.song_id",
      "songs.title as song_title",
      "tasks.section_id",
      "tasks.kind",
      "tasks.title",
      "tasks.assignee_id",
      "tasks.done_at",
      "tasks.done_by",
      "tasks.version",
    ]);
}
type Row = Awaited<ReturnType<ReturnType<typeof taskQuery>["executeTakeFirstOrThrow"]>>;
const toTask = (r: Row): Task => ({
  id: r.id,
  songId: r.song_id,
  songTitle: r.song_title,
  sectionId: r.section_id,
  kind: r.kind,
  title: r.title,
  assigneeId: r.assignee_id,
  doneAt: r.done_at,
  doneBy: r.done_by,
  version: r.version,
});

/** Adds a task to a song (producer, engineer); the assignee must be on the team. */
export async function createTask(s: Studio, actor: Actor, songId: string, input: unknown): Promise<Task> {
  const v = parseInput(CreateTaskInput, input);
  const { projectId } = await authorizeSong(s.db, actor, songId, "task.write");
  if (v.sectionId) {
    const sec = await s.db
      .selectFrom("sections")
      .select("id")
      .where("id", "=", v.sectionId)
      .where("song_id", "=", songId)
      .executeTakeFirst();
    if (!sec) throw invalid("sectionId", `no section ${v.sectionId} in this song`);
  }
  if (v.assigneeId && (await rolesOn(s.db, projectId, v.assigneeId)).length === 0)
    throw invalid("assigneeId", `${v.assigneeId} is not on the project's team`);
  const id = randomUUID();
  await s.db
    .insertInto("tasks")
    .values({
      id,
      song_id: songId,
      section_id: v.sectionId ?? null,
      kind: v.kind,
      title: v.title,
      assignee_id: v.assigneeId ?? null,
      created_by: actor.userId,
    })
    .execute();
  return toTask(await taskQuery(s).where("tasks.id", "=", id).executeTakeFirstOrThrow());
}

/** Ticks a task off (or reopens it): the team, or its assignee. 409 when stale. */
export async function completeTask(s: Studio, actor: Actor, taskId: string, input: unknown): Promise<Task> {
  const v = parseInput(CompleteTaskInput, input);
  const t = await taskQuery(s).where("tasks.id", "=", taskId).executeTakeFirst();
  if (!t) throw notFound(`task ${taskId}`);
  const { roles } = await authorizeSong(s.db, actor, t.song_id, "project.read");
  if (!allows(roles, "task.complete") && t.assignee_id !== actor.userId)
    throw forbidden(`your roles (${roles.join(", ")}) do not allow task.complete`);
  await updateVersioned(
    s.db,
    "tasks",
    taskId,
    v.version,
    v.done ? { done_at: new Date(), done_by: actor.userId } : { done_at: null, done_by: null },
    `task ${taskId}`,
    async () => {
      const r = await taskQuery(s).where("tasks.id", "=", taskId).executeTakeFirst();
      return r && toTask(r);
    },
  );
  return toTask(await taskQuery(s).where("tasks.id", "=", taskId).executeTakeFirstOrThrow());
}

/** The project's tasks (optionally only open ones, or one song's), songs in running order. */
export async function listTasks(
  s: Studio,
  actor: Actor,
  projectId: string,
  query: unknown = {},
): Promise<Task[]> {
  const q = parseInput(ListTasksQuery, query);
  const roles = await authorize(s.db, actor, projectId, "project.read");
  if (q.songId) await authorizeSong(s.db, actor, q.songId, "project.read");
  let b = taskQuery(s).where("songs.project_id", "=", projectId);
  // Session musicians see the tasks of the songs they play on.
  if (!seesAllSongs(roles))
    b = b.where((eb) =>
      eb.exists(
        eb
          .selectFrom("song_performers")
          .select("song_performers.song_id")
          .whereRef("song_performers.song_id", "=", "tasks.song_id")
          .where("song_performers.user_id", "=", actor.userId),
      ),
    );
  if (q.songId) b = b.where("tasks.song_id", "=", q.songId);
  if (q.open === true) b = b.where("tasks.done_at", "is", null);
  if (q.open === false) b = b.where("tasks.done_at", "is not", null);
  const rows = await b.orderBy("songs.position").orderBy("tasks.created_at").limit(1000).execute();
  return rows.map(toTask);
}
