/** Overdubs and other tasks per song, listed per project. */
import * as S from "@controlroom/studio";
import { z } from "zod";
import { Task } from "../responses.ts";
import { route } from "../route.ts";

export const taskRoutes = [
  route("GET /api/projects/{projectId}/tasks", {
    summary: "Overdubs and tasks",
    tag: "tasks",
    query: S.ListTasksQuery,
    response: z.array(Task),
    handler: async ({ studio, actor, params, req }) =>
      S.listTasks(studio, actor, params.projectId, req.query),
  }),
  route("POST /api/songs/{songId}/tasks", {
    summary: "Add a task or overdub to a song (section optional)",
    tag: "tasks",
    status: 201,
    body: S.CreateTaskInput,
    response: Task,
    handler: async ({ studio, actor, params, body }) => S.createTask(studio, actor, params.songId, body),
  }),
  route("PATCH /api/tasks/{taskId}", {
    summary: "Tick a task off or reopen it",
    tag: "tasks",
    body: S.CompleteTaskInput,
    response: Task,
    handler: async ({ studio, actor, params, body }) => S.completeTask(studio, actor, params.taskId, body),
  }),
];
