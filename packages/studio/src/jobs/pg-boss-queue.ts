/**
 * Scale-out jobs on the PostgreSQL server through pg-boss: the API enqueues, `controlroom worker` processes
 * on any number of machines take jobs. A job whose worker dies stays active until it expires, then pg-boss
 * retries it on another worker; the `jobs` row still admits only one outcome (see jobs.ts).
 */
import type { Kysely } from "kysely";
import PgBoss from "pg-boss";
import type { Database } from "../store/schema.ts";
import { markDone, markFailed, markProgress, markRunning } from "./jobs.ts";
import { JOB_KIND_NAMES } from "./kinds/index.ts";
import type { JobQueue } from "./queue.ts";
import { runJob } from "./run-job.ts";

/** pg-boss settings shared by the API side and workers. */
export interface PgBossOptions {
  databaseUrl: string;
  /** Schema for pg-boss's own tables (default "pgboss"). */
  schema?: string;
  /** A job running longer than this is presumed dead and retried (default 900 s). */
  expireInSeconds?: number;
  /** Retries after failures or expiry (default 3). */
  retryLimit?: number;
  /** How often pg-boss looks for expired jobs (default 30 s; tests use 1). */
  maintenanceIntervalSeconds?: number;
}

async function startBoss(o: PgBossOptions): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: o.databaseUrl,
    schema: o.schema ?? "pgboss",
    max: 4,
    maintenanceIntervalSeconds: o.maintenanceIntervalSeconds ?? 30,
    monitorStateIntervalSeconds: o.maintenanceIntervalSeconds ?? 30,
  });
  boss.on("error", (e: Error) => console.error(`pg-boss: ${e.message}`));
  await boss.start();
  for (const kind of JOB_KIND_NAMES) {
    if (!(await boss.getQueue(kind)))
      await boss.createQueue(kind, {
        name: kind,
        retryLimit: o.retryLimit ?? 3,
        retryDelay: 1,
        expireInSeconds: o.expireInSeconds ?? 900,
      });
  }
  return boss;
}

/** The API side: enqueue and cancel through pg-boss. */
export class PgBossQueue implements JobQueue {
  readonly kind = "pg-boss" as const;
  private constructor(
    private readonly boss: PgBoss,
    private readonly o: PgBossOptions,
  ) {}

  static async start(o: PgBossOptions): Promise<PgBossQueue> {
    return new PgBossQueue(await startBoss(o), o);
  }

  async enqueue(jobId: string, kind: string): Promise<void> {
    // Our job id doubles as pg-boss's, so cancel can find it.
    await this.boss.send(
      kind,
      { jobId },
      {
        id: jobId,
        retryLimit: this.o.retryLimit ?? 3,
        retryDelay: 1,
        expireInSeconds: this.o.expireInSeconds ?? 900,
      },
    );
  }

  async cancel(jobId: string): Promise<void> {
    for (const kind of JOB_KIND_NAMES) await this.boss.cancel(kind, jobId).catch(() => {});
  }

  async health() {
    try {
      const sizes = await Promise.all(JOB_KIND_NAMES.map((k) => this.boss.getQueueSize(k)));
      return { ok: true, detail: `pg-boss: ${sizes.reduce((a, b) => a + b, 0)} queued` };
    } catch (e) {
      return { ok: false, detail: `pg-boss: ${(e as Error).message}` };
    }
  }

  async close(): Promise<void> {
    await this.boss.stop({ graceful: false, wait: true });
  }
}

/** Options of a worker process. */
export interface WorkerOptions extends PgBossOptions {
  db: Kysely<Database>;
  blobRoot: string;
  /** Jobs at once per kind (default 1). */
  concurrency?: number;
  /** Called when a job ends (logging). */
  onJob?: (jobId: string, outcome: string) => void;
}

/** Runs jobs from pg-boss in this process until stopped. */
export async function startPgBossWorker(o: WorkerOptions): Promise<{ stop(): Promise<void> }> {
  const boss = await startBoss(o);
  for (const kind of JOB_KIND_NAMES) {
    for (let i = 0; i < (o.concurrency ?? 1); i++) {
      await boss.work<{ jobId: string }>(
        kind,
        { batchSize: 1, pollingIntervalSeconds: 0.5 },
        async ([pj]) => {
          const id = pj.data.jobId;
          const job = await markRunning(o.db, id);
          if (!job) return; // cancelled or already finished elsewhere
          try {
            let last = 0;
            // A cancelled job's row refuses progress: that is how a long job here learns to stop.
            let cancelled = false;
            const result = await runJob(job.kind, job.input, {
              blobRoot: o.blobRoot,
              progress: (p) => {
                if (p - last >= 0.05) {
                  last = p;
                  void markProgress(o.db, id, p).then((live) => {
                    if (!live) cancelled = true;
                  });
                }
              },
              cancelled: () => cancelled,
            });
            const recorded = await markDone(o.db, id, result);
            o.onJob?.(id, recorded ? "done" : "discarded (already ended)");
          } catch (e) {
            await markFailed(o.db, id, (e as Error).message);
            o.onJob?.(id, `failed: ${(e as Error).message}`);
          }
        },
      );
    }
  }
  return { stop: () => boss.stop({ graceful: true, wait: true, timeout: 5000 }) };
}
