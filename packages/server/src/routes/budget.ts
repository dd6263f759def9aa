/** The budget: planned line items against actuals (bookings, invoices), with overspend warnings. */
import * as S from "@controlroom/studio";
import { BudgetLine, BudgetSummary, OK, Ok } from "../responses.ts";
import { route } from "../route.ts";

export const budgetRoutes = [
  route("GET /api/projects/{projectId}/budget", {
    summary: "Planned vs actual with overspend warnings",
    tag: "budget",
    response: BudgetSummary,
    handler: async ({ studio, actor, params }) => S.budgetSummary(studio, actor, params.projectId),
  }),
  route("POST /api/projects/{projectId}/budget/lines", {
    summary: "Add a planned line item",
    tag: "budget",
    status: 201,
    body: S.CreateLineInput,
    response: BudgetLine,
    handler: async ({ studio, actor, params, body }) =>
      S.createBudgetLine(studio, actor, params.projectId, body),
  }),
  route("PATCH /api/budget/lines/{lineId}", {
    summary: "Edit a planned line item",
    tag: "budget",
    body: S.UpdateLineInput,
    response: BudgetLine,
    handler: async ({ studio, actor, params, body }) =>
      S.updateBudgetLine(studio, actor, params.lineId, body),
  }),
  route("POST /api/projects/{projectId}/budget/invoices", {
    summary: "Record an invoice as an actual",
    tag: "budget",
    status: 201,
    body: S.AddInvoiceInput,
    response: Ok,
    handler: async ({ studio, actor, params, body }) => {
      await S.addInvoice(studio, actor, params.projectId, body);
      return OK;
    },
  }),
  route("PATCH /api/budget/actuals/{actualId}", {
    summary: "Correct a recorded invoice (a booking's cost follows its booking: 409)",
    tag: "budget",
    body: S.UpdateInvoiceInput,
    response: Ok,
    handler: async ({ studio, actor, params, body }) => {
      await S.updateInvoice(studio, actor, params.actualId, body);
      return OK;
    },
  }),
];
