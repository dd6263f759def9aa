/**
 * The project budget: planned line items (tracking days × day rate, session musicians, mixing and mastering
 * per song, studio, other) against actuals (confirmed bookings flow in; invoices are entered), in the
 * project's currency as integer minor units, with overspend warnings.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { audit } from "../audit/audit.ts";
import type { Actor, Studio } from "../context.ts";
import { invalid, notFound, parseInput, StudioError } from "../errors.ts";
import { updateVersioned } from "../store/versioned.ts";
import { authorize } from "../team/access.ts";
import { BUDGET_CATEGORIES } from "./categories.ts";
import { formatMoney } from "./money.ts";

export { BUDGET_CATEGORIES };

export const CreateLineInput = z.object({
  category: z.enum(BUDGET_CATEGORIES),
  description: z.string().trim().min(1).max(500),
  songId: z.string().min(1).nullish(),
  /** How many units (days, songs, sessions…), > 0. */
  quantity: z.number().positive().max(1e6).default(1),
  /** Price per unit in minor units of the project's currency. */
  unitMinor: z.number().int().min(0).max(1e12),
});
export const UpdateLineInput = z.object({
  version: z.number().int().positive(),
  description: z.string().trim().min(1).max(500).optional(),
  quantity: z.number().positive().max(1e6).optional(),
  unitMinor: z.number().int().min(0).max(1e12).optional(),
});
export const AddInvoiceInput = z.object({
  category: z.enum(BUDGET_CATEGORIES),
  description: z.string().trim().min(1).max(500),
  amountMinor: z.number().int().min(-1e12).max(1e12),
});

/** A planned line item. */
export interface BudgetLine {
  id: string;
  category: string;
  description: string;
  songId: string | null;
  quantity: number;
  unitMinor: number;
  plannedMinor: number;
  version: number;
}

/** Planned vs actual for one category, or for the whole project. */
export interface BudgetTotals {
  plannedMinor: number;
  actualMinor: number;
  /** planned − actual (negative when over). */
  remainingMinor: number;
  over: boolean;
}

/** The budget summary. */
export interface BudgetSummary {
  currency: string;
  lines: BudgetLine[];
  actuals: {
    id: string;
    category: string;
    source: string;
    bookingId: string | null;
    description: string;
    amountMinor: number;
  }[];
  byCategory: Record<string, BudgetTotals>;
  total: BudgetTotals;
  /** One line per overspend, e.g. "studio: actual 1,200.00 EUR exceeds planned 1,000.00 EUR by 200.00 EUR". */
  warnings: string[];
}

const totals = (planned: number, actual: number): BudgetTotals => ({
  plannedMinor: planned,
  actualMinor: actual,
  remainingMinor: planned - actual,
  over: actual > planned,
});

/** Adds a planned line (producers); planned = round(quantity × unit). */
export async function createBudgetLine(
  s: Studio,
  actor: Actor,
  projectId: string,
  input: unknown,
): Promise<BudgetLine> {
  const v = parseInput(CreateLineInput, input);
  await authorize(s.db, actor, projectId, "budget.write");
  if (v.songId) {
    const song = await s.db
      .selectFrom("songs")
      .select("id")
      .where("id", "=", v.songId)
      .where("project_id", "=", projectId)
      .executeTakeFirst();
    if (!song) throw invalid("songId", `no song ${v.songId} in this project`);
  }
  const id = randomUUID();
  const planned = Math.round(v.quantity * v.unitMinor);
  await s.db.transaction().execute(async (trx) => {
    await trx
      .insertInto("budget_lines")
      .values({
        id,
        project_id: projectId,
        category: v.category,
        description: v.description,
        song_id: v.songId ?? null,
        quantity: v.quantity,
        unit_minor: v.unitMinor,
        planned_minor: planned,
      })
      .execute();
    await audit(trx, actor, projectId, "budget.line.create", id, {
      category: v.category,
      plannedMinor: planned,
    });
  });
  return {
    id,
    category: v.category,
    description: v.description,
    songId: v.songId ?? null,
    quantity: v.quantity,
    unitMinor: v.unitMinor,
    plannedMinor: planned,
    version: 1,
  };
}

/** Edits a planned line (producers). 409 with the current line when stale. */
export async function updateBudgetLine(
  s: Studio,
  actor: Actor,
  lineId: string,
  input: unknown,
): Promise<BudgetLine> {
  const v = parseInput(UpdateLineInput, input);
  const line = await s.db.selectFrom("budget_lines").selectAll().where("id", "=", lineId).executeTakeFirst();
  if (!line) throw notFound(`budget line ${lineId}`);
  await authorize(s.db, actor, line.project_id, "budget.write");
  const quantity = v.quantity ?? line.quantity;
  const unit = v.unitMinor ?? line.unit_minor;
  const planned = Math.round(quantity * unit);
  await s.db.transaction().execute(async (trx) => {
    await updateVersioned(
      trx,
      "budget_lines",
      lineId,
      v.version,
      { description: v.description ?? line.description, quantity, unit_minor: unit, planned_minor: planned },
      `budget line ${lineId}`,
      () => trx.selectFrom("budget_lines").selectAll().where("id", "=", lineId).executeTakeFirst(),
    );
    await audit(trx, actor, line.project_id, "budget.line.update", lineId, {
      before: line.planned_minor,
      after: planned,
    });
  });
  const r = await s.db
    .selectFrom("budget_lines")
    .selectAll()
    .where("id", "=", lineId)
    .executeTakeFirstOrThrow();
  return {
    id: r.id,
    category: r.category,
    description: r.description,
    songId: r.song_id,
    quantity: r.quantity,
    unitMinor: r.unit_minor,
    plannedMinor: r.planned_minor,
    version: r.version,
  };
}

/** Records an invoice as an actual (producers). */
export async function addInvoice(s: Studio, actor: Actor, projectId: string, input: unknown): Promise<void> {
  const v = parseInput(AddInvoiceInput, input);
  await authorize(s.db, actor, projectId, "budget.write");
  const id = randomUUID();
  await s.db.transaction().execute(async (trx) => {
    await trx
      .insertInto("budget_actuals")
      .values({
        id,
        project_id: projectId,
        category: v.category,
        source: "invoice",
        booking_id: null,
        description: v.description,
        amount_minor: v.amountMinor,
      })
      .execute();
    await audit(trx, actor, projectId, "budget.invoice", id, {
      category: v.category,
      amountMinor: v.amountMinor,
    });
  });
}

export const UpdateInvoiceInput = z.object({
  category: z.enum(BUDGET_CATEGORIES).optional(),
  description: z.string().trim().min(1).max(500).optional(),
  amountMinor: z.number().int().min(-1e12).max(1e12).optional(),
});

/**
 * Corrects a recorded invoice (producers). A booking's cost is not an invoice: it follows its booking,
 * so it is refused here (409).
 */
export async function updateInvoice(
  s: Studio,
  actor: Actor,
  actualId: string,
  input: unknown,
): Promise<void> {
  const v = parseInput(UpdateInvoiceInput, input);
  const row = await s.db
    .selectFrom("budget_actuals")
    .select(["project_id", "source", "amount_minor"])
    .where("id", "=", actualId)
    .executeTakeFirst();
  if (!row) throw notFound(`invoice ${actualId}`);
  await authorize(s.db, actor, row.project_id, "budget.write");
  if (row.source !== "invoice")
    throw new StudioError(409, "conflict", "invoice: a booking's cost changes with its booking, not here");
  await s.db.transaction().execute(async (trx) => {
    await trx
      .updateTable("budget_actuals")
      .set({
        ...(v.category !== undefined ? { category: v.category } : {}),
        ...(v.description !== undefined ? { description: v.description } : {}),
        ...(v.amountMinor !== undefined ? { amount_minor: v.amountMinor } : {}),
      })
      .where("id", "=", actualId)
      .execute();
    await audit(trx, actor, row.project_id, "budget.invoice.update", actualId, {
      before: row.amount_minor,
      after: v.amountMinor ?? row.amount_minor,
    });
  });
}

/** Planned against actual per category and in total, with overspend warnings (producers, label). */
export async function budgetSummary(s: Studio, actor: Actor, projectId: string): Promise<BudgetSummary> {
  await authorize(s.db, actor, projectId, "budget.read");
  return computeBudget(s, projectId);
}

/** The budget summary without an authorization check (callers check "budget.read"). */
export async function computeBudget(s: Studio, projectId: string, currency?: string): Promise<BudgetSummary> {
  const [p, lines, actuals] = await Promise.all([
    currency
      ? { currency }
      : s.db.selectFrom("projects").select("currency").where("id", "=", projectId).executeTakeFirstOrThrow(),
    s.db
      .selectFrom("budget_lines")
      .selectAll()
      .where("project_id", "=", projectId)
      .orderBy("created_at")
      .execute(),
    s.db
      .selectFrom("budget_actuals")
      .selectAll()
      .where("project_id", "=", projectId)
      .orderBy("created_at")
      .execute(),
  ]);
  const byCategory: Record<string, BudgetTotals> = {};
  const warnings: string[] = [];
  for (const c of BUDGET_CATEGORIES) {
    const planned = lines.filter((l) => l.category === c).reduce((a, l) => a + l.planned_minor, 0);
    const actual = actuals.filter((l) => l.category === c).reduce((a, l) => a + l.amount_minor, 0);
    byCategory[c] = totals(planned, actual);
    if (actual > planned)
      warnings.push(
        `${c}: actual ${formatMoney(actual, p.currency)} exceeds planned ${formatMoney(planned, p.currency)} by ${formatMoney(actual - planned, p.currency)}`,
      );
  }
  const tp = lines.reduce((a, l) => a + l.planned_minor, 0);
  const ta = actuals.reduce((a, l) => a + l.amount_minor, 0);
  if (ta > tp)
    warnings.push(
      `total: actual ${formatMoney(ta, p.currency)} exceeds planned ${formatMoney(tp, p.currency)} by ${formatMoney(ta - tp, p.currency)}`,
    );
  return {
    currency: p.currency,
    lines: lines.map((r) => ({
      id: r.id,
      category: r.category,
      description: r.description,
      songId: r.song_id,
      quantity: r.quantity,
      unitMinor: r.unit_minor,
      plannedMinor: r.planned_minor,
      version: r.version,
    })),
    actuals: actuals.map((a) => ({
      id: a.id,
      category: a.category,
      source: a.source,
      bookingId: a.booking_id,
      description: a.description,
      amountMinor: a.amount_minor,
    })),
    byCategory,
    total: totals(tp, ta),
    warnings,
  };
}
