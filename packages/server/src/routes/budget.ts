/** The budget: planned line items against actuals (bookings, invoices), with overspend warnings. */
import * as S from "@controlroom/studio";
import { BudgetLine, BudgetSummary, OK, Ok } from "../responses.ts";
import { id, ProjectId, route } from "../route.ts";

export const budgetRoutes = [
  route({
    method: "GET",
    url: "/api/projects/{projectId}/budget",
    summary: "Planned vs actual with overspend warnings",
    tag: "budget",
    params: ProjectId,
    response: BudgetSummary,
    handler: async ({ studio, actor, params }) => S.budgetSummary(studio, actor, params.projectId),
  }),
  route({
    method: "POST",
    url: "/api/projects/{projectId}/budget/lines",
    summary: "Add a planned line item",
    tag: "budget",
    status: 201,
    params: ProjectId,
    body: S.CreateLineInput,
    response: BudgetLine,
    handler: async ({ studio, actor, params, body }) =>
      S.createBudgetLine(studio, actor, params.projectId, body),
  }),
  route({
    method: "PATCH",
    url: "/api/budget/lines/{lineId}",
    summary: "Edit a planned line item",
    tag: "budget",
    params: id("lineId"),
    body: S.UpdateLineInput,
    response: BudgetLine,
    handler: async ({ studio, actor, params, body }) =>
      S.updateBudgetLine(studio, actor, params.lineId, body),
  }),
  route({
    method: "POST",
    url: "/api/projects/{projectId}/budget/invoices",
    summary: "Record an invoice as an actual",
    tag: "budget",
    status: 201,
    params: ProjectId,
    body: S.AddInvoiceInput,
    response: Ok,
    handler: async ({ studio, actor, params, body }) => {
      await S.addInvoice(studio, actor, params.projectId, body);
      return OK;
    },
  }),
];
