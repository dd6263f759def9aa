/** Overdubs and other tasks per song, listed per project. */
import * as S from "@controlroom/studio";
import { z } from "zod";
import { Task } from "../responses.ts";
import { id, ProjectId, route, SongId } from "../route.ts";

export const taskRoutes = [
  route({
    method: "GET",
    url: "/api/projects/{projectId}/tasks",
    summary: "Overdubs and tasks",
    tag: "tasks",
    params: ProjectId,
    query: S.ListTasksQuery,
    response: z.array(Task),
    handler: async ({ studio, actor, params, req }) =>
      S.listTasks(studio, actor, params.projectId, req.query),
  }),
  route({
    method: "POST",
    url: "/api/songs/{songId}/tasks",
    summary: "Add a task or overdub to a song (section optional)",
    tag: "tasks",
    status: 201,
    params: SongId,
    body: S.CreateTaskInput,
    response: Task,
    handler: async ({ studio, actor, params, body }) => S.createTask(studio, actor, params.songId, body),
  }),
  route({
    method: "PATCH",
    url: "/api/tasks/{taskId}",
    summary: "Tick a task off or reopen it",
    tag: "tasks",
    params: id("taskId"),
    body: S.CompleteTaskInput,
    response: Task,
    handler: async ({ studio, actor, params, body }) => S.completeTask(studio, actor, params.taskId, body),
  }),
];
