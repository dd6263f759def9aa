/**
 * Migration 007: repair. A take's detected problems (the take analysis stores the repair detection's badges
 * and counts), and a repaired take's link to the take it was repaired from (which is kept) with the repair
 * job's report; version reports may also come from a repair job.
 */
import { type Kysely, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table takes
    add column problems jsonb,
    add column repaired_from_take_id text references takes(id) on delete set null,
    add column repair_job_id text,
    add column repair_report jsonb`.execute(db);
  await sql`alter table version_reports drop constraint if exists version_reports_kind_check`.execute(db);
  await sql`alter table version_reports add constraint version_reports_kind_check
    check (kind in ('render','master','repair'))`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from version_reports where kind = 'repair'`.execute(db);
  await sql`alter table version_reports drop constraint if exists version_reports_kind_check`.execute(db);
  await sql`alter table version_reports add constraint version_reports_kind_check
    check (kind in ('render','master'))`.execute(db);
  await sql`alter table takes
    drop column if exists repair_report,
    drop column if exists repair_job_id,
    drop column if exists repaired_from_take_id,
    drop column if exists problems`.execute(db);
}
