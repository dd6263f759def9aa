/**
 * The embedded job queue: each job runs on its own worker thread of this process, a few at a time. A thread
 * that dies without an answer (crash, out of memory, killed) gets its job retried, up to a limit; jobs left
 * queued or running by a previous run of the server are picked up again at start.
 */
import { Worker } from "node:worker_threads";
import type { Kysely } from "kysely";
import type { Database } from "../store/schema.ts";
import { markDone, markFailed, markProgress, markRequeued, markRunning } from "./jobs.ts";
import type { JobQueue } from "./queue.ts";

/** Options of the embedded queue. */
export interface InProcessQueueOptions {
  /** Folder of the blob store, read by jobs. */
  blobRoot: string;
  /** Jobs running at once (default 2). */
  concurrency?: number;
  /** Attempts before a job whose thread keeps dying is failed (default 3). */
  maxAttempts?: number;
}

const BOOTSTRAP = new URL("./worker-bootstrap.mjs", import.meta.url);

/** Worker-thread job queue over the `jobs` table. */
export class InProcessQueue implements JobQueue {
  readonly kind = "in-process" as const;
  private readonly waiting: string[] = [];
  private readonly running = new Map<string, Worker>();
  private closed = false;
  private readonly idleWaiters: (() => void)[] = [];

  private constructor(
    private readonly db: Kysely<Database>,
    private readonly opts: Required<InProcessQueueOptions>,
  ) {}

  /** Starts the queue and re-queues jobs a previous run left unfinished. */
  static async start(db: Kysely<Database>, opts: InProcessQueueOptions): Promise<InProcessQueue> {
    const q = new InProcessQueue(db, {
      blobRoot: opts.blobRoot,
      concurrency: opts.concurrency ?? 2,
      maxAttempts: opts.maxAttempts ?? 3,
    });
    const left = await db
      .selectFrom("jobs")
      .select(["id", "kind"])
      .where("status", "in", ["queued", "running"])
      .orderBy("created_at")
      .execute();
    for (const j of left) await q.enqueue(j.id, j.kind);
    return q;
  }

  async enqueue(jobId: string, _kind?: string): Promise<void> {
    if (this.closed) throw new Error("job queue is closed");
    this.waiting.push(jobId);
    this.pump();
  }

  async cancel(jobId: string): Promise<void> {
    const i = this.waiting.indexOf(jobId);
    if (i >= 0) this.waiting.splice(i, 1);
    const w = this.running.get(jobId);
    if (w) {
      this.running.delete(jobId);
      await w.terminate();
      this.pump();
    }
  }

  async health() {
    return {
      ok: !this.closed,
      detail: `in-process: ${this.running.size} running, ${this.waiting.length} waiting`,
    };
  }

  /** Resolves when nothing is running or waiting (tests, shutdown). */
  idle(): Promise<void> {
    if (this.running.size === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** Test hook: the thread running a job (to kill it). */
  threadOf(jobId: string): Worker | undefined {
    return this.running.get(jobId);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.waiting.length = 0;
    await Promise.all([...this.running.values()].map((w) => w.terminate()));
    this.running.clear();
  }

  private pump(): void {
    while (!this.closed && this.running.size < this.opts.concurrency && this.waiting.length) {
      const id = this.waiting.shift() as string;
      this.running.set(id, null as unknown as Worker);
      this.startJob(id).catch((e) => {
        this.running.delete(id);
        void markFailed(this.db, id, `queue: ${(e as Error).message}`).finally(() => this.pump());
      });
    }
    if (this.running.size === 0 && this.waiting.length === 0) for (const r of this.idleWaiters.splice(0)) r();
  }

  private async startJob(id: string): Promise<void> {
    const job = await markRunning(this.db, id);
    if (!job) {
      this.running.delete(id);
      this.pump();
      return;
    }
    if (this.closed) return;
    const w = new Worker(BOOTSTRAP, {
      workerData: { kind: job.kind, input: job.input, blobRoot: this.opts.blobRoot },
    });
    this.running.set(id, w);
    let answered = false;
    let lastProgress = 0;
    const finish = async (fn: () => Promise<unknown>) => {
      answered = true;
      try {
        await fn();
      } finally {
        if (this.running.get(id) === w) this.running.delete(id);
        void w.terminate();
        this.pump();
      }
    };
    w.on(
      "message",
      (m: { type: string; progress?: number; result?: Record<string, unknown>; error?: string }) => {
        if (m.type === "progress" && (m.progress as number) - lastProgress >= 0.05) {
          lastProgress = m.progress as number;
          void markProgress(this.db, id, lastProgress);
        } else if (m.type === "result")
          void finish(() => markDone(this.db, id, m.result as Record<string, unknown>));
        else if (m.type === "error") void finish(() => markFailed(this.db, id, m.error as string));
      },
    );
    w.on("error", () => {}); // reported through "exit" below
    w.on("exit", () => {
      if (answered || this.running.get(id) !== w) return; // finished, or cancelled (terminated by us)
      // The thread died without an answer: retry while attempts remain.
      this.running.delete(id);
      void (async () => {
        if (job.attempts < this.opts.maxAttempts && (await markRequeued(this.db, id))) this.waiting.push(id);
        else await markFailed(this.db, id, `worker died ${job.attempts} times`);
        this.pump();
      })();
    });
  }
}
