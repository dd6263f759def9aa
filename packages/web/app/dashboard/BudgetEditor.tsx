/**
 * Editing the budget (producers): the planned lines with their amounts, each editable (description,
 * quantity, unit price), a new line, and invoices recorded as actuals (listed with the bookings' costs),
 * each invoice correctable.
 * Amounts are typed in the project's currency ("1,250.50") and kept in minor units.
 */
import { BUDGET_CATEGORIES } from "@controlroom/studio/budget/categories.ts";
import { formatMoney } from "@controlroom/studio/budget/money.ts";
import { useState } from "react";
import { api, type BudgetLine, type BudgetSummary, type Wire } from "../api.ts";
import { messageOf, words } from "../util.ts";
import { moneyField, parseMoney } from "./money.ts";

type Category = (typeof BUDGET_CATEGORIES)[number];

export function BudgetEditor({
  projectId,
  summary,
  canWrite,
  onChange,
}: {
  projectId: string;
  summary: Wire<BudgetSummary>;
  canWrite: boolean;
  onChange(): void;
}) {
  const cur = summary.currency;
  const [msg, setMsg] = useState<{ text: string; error: boolean } | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const done = (text: string) => {
    setMsg({ text, error: false });
    onChange();
  };
  const fail = (e: unknown) => setMsg({ text: messageOf(e), error: true });
  return (
    <div className="budget-editor">
      <table aria-label="Budget lines">
        <thead>
          <tr>
            <th scope="col">Category</th>
            <th scope="col">Line</th>
            <th scope="col">Quantity</th>
            <th scope="col">Unit price</th>
            <th scope="col">Planned</th>
            {canWrite && <th scope="col" aria-label="Actions" />}
          </tr>
        </thead>
        <tbody>
          {summary.lines.map((l) =>
            editing === l.id ? (
              <LineEdit
                key={l.id}
                line={l}
                currency={cur}
                onCancel={() => setEditing(null)}
                onSave={async (patch) => {
                  try {
                    await api.updateBudgetLine(l.id, { version: l.version, ...patch });
                    setEditing(null);
                    done(`Changed “${patch.description ?? l.description}”.`);
                  } catch (e) {
                    fail(e);
                  }
                }}
              />
            ) : (
              <tr key={l.id}>
                <td>{words(l.category)}</td>
                <td>{l.description}</td>
                <td className="num">{l.quantity}</td>
                <td className="num">{formatMoney(l.unitMinor, cur)}</td>
                <td className="num">{formatMoney(l.plannedMinor, cur)}</td>
                {canWrite && (
                  <td>
                    <button type="button" onClick={() => setEditing(l.id)}>
                      Edit {l.description}
                    </button>
                  </td>
                )}
              </tr>
            ),
          )}
        </tbody>
      </table>
      {summary.actuals.length > 0 && (
        <table aria-label="Actuals">
          <thead>
            <tr>
              <th scope="col">Category</th>
              <th scope="col">Actual</th>
              <th scope="col">From</th>
              <th scope="col">Amount</th>
              {canWrite && <th scope="col" aria-label="Actions" />}
            </tr>
          </thead>
          <tbody>
            {summary.actuals.map((a) =>
              editing === a.id ? (
                <InvoiceEdit
                  key={a.id}
                  invoice={a}
                  currency={cur}
                  onCancel={() => setEditing(null)}
                  onSave={async (patch) => {
                    try {
                      await api.updateInvoice(a.id, patch);
                      setEditing(null);
                      done(
                        `Corrected the invoice “${patch.description}”: ${formatMoney(patch.amountMinor, cur)}.`,
                      );
                    } catch (e) {
                      fail(e);
                    }
                  }}
                />
              ) : (
                <tr key={a.id}>
                  <td>{words(a.category)}</td>
                  <td>{a.description}</td>
                  <td>{words(a.source)}</td>
                  <td className="num">{formatMoney(a.amountMinor, cur)}</td>
                  {canWrite && (
                    <td>
                      {a.source === "invoice" && (
                        <button type="button" onClick={() => setEditing(a.id)}>
                          Edit {a.description}
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              ),
            )}
          </tbody>
        </table>
      )}
      {canWrite && (
        <>
          <AmountForm
            label="New budget line"
            amountLabel={`Unit price (${cur})`}
            withQuantity
            currency={cur}
            submit="Add line"
            onSubmit={async ({ category, description, amount, quantity }) => {
              try {
                await api.addBudgetLine(projectId, { category, description, quantity, unitMinor: amount });
                done(`Added “${description}”: ${formatMoney(Math.round(amount * quantity), cur)} planned.`);
                return true;
              } catch (e) {
                fail(e);
                return false;
              }
            }}
          />
          <AmountForm
            label="Record an invoice"
            amountLabel={`Invoice amount (${cur})`}
            currency={cur}
            submit="Record invoice"
            onSubmit={async ({ category, description, amount }) => {
              try {
                await api.addInvoice(projectId, { category, description, amountMinor: amount });
                done(`Recorded the invoice “${description}”: ${formatMoney(amount, cur)}.`);
                return true;
              } catch (e) {
                fail(e);
                return false;
              }
            }}
          />
        </>
      )}
      {msg && (
        <p role={msg.error ? "alert" : "status"} className={msg.error ? "error" : "notice"}>
          {msg.text}
        </p>
      )}
    </div>
  );
}

/** One line being edited in place. */
function LineEdit({
  line,
  currency,
  onSave,
  onCancel,
}: {
  line: Wire<BudgetLine>;
  currency: string;
  onSave(patch: { description: string; quantity: number; unitMinor: number }): Promise<void>;
  onCancel(): void;
}) {
  const [description, setDescription] = useState(line.description);
  const [quantity, setQuantity] = useState(String(line.quantity));
  const [unit, setUnit] = useState(moneyField(line.unitMinor, currency));
  const [err, setErr] = useState<string | null>(null);
  return (
    <tr>
      <td>{words(line.category)}</td>
      <td>
        <input
          aria-label="Line description"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
        />
      </td>
      <td>
        <input
          aria-label="Quantity"
          inputMode="decimal"
          value={quantity}
          onChange={(e) => setQuantity(e.target.value)}
        />
      </td>
      <td>
        <input
          aria-label={`Unit price (${currency})`}
          inputMode="decimal"
          value={unit}
          onChange={(e) => setUnit(e.target.value)}
        />
      </td>
      <td>{err && <span className="error small">{err}</span>}</td>
      <td>
        <button
          type="button"
          className="primary"
          onClick={() => {
            const unitMinor = parseMoney(unit, currency);
            const q = Number(quantity);
            if (unitMinor === null || unitMinor < 0)
              return setErr(`unit price: not an amount in ${currency}`);
            if (!(q > 0)) return setErr("quantity: must be above 0");
            setErr(null);
            void onSave({ description, quantity: q, unitMinor });
          }}
        >
          Save
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </td>
    </tr>
  );
}

/** A recorded invoice being corrected in place (a booking's cost follows its booking instead). */
function InvoiceEdit({
  invoice,
  currency,
  onSave,
  onCancel,
}: {
  invoice: Wire<BudgetSummary>["actuals"][number];
  currency: string;
  onSave(patch: { description: string; amountMinor: number }): Promise<void>;
  onCancel(): void;
}) {
  const [description, setDescription] = useState(invoice.description);
  const [amount, setAmount] = useState(moneyField(invoice.amountMinor, currency));
  const [err, setErr] = useState<string | null>(null);
  return (
    <tr>
      <td>{words(invoice.category)}</td>
      <td>
        <input
          aria-label="Invoice description"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
        />
      </td>
      <td>{words(invoice.source)}</td>
      <td>
        <input
          aria-label={`Amount (${currency})`}
          inputMode="decimal"
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
        />
        {err && <span className="error small">{err}</span>}
      </td>
      <td>
        <button
          type="button"
          className="primary"
          onClick={() => {
            const amountMinor = parseMoney(amount, currency);
            if (amountMinor === null) return setErr(`amount: not an amount in ${currency}`);
            setErr(null);
            void onSave({ description, amountMinor });
          }}
        >
          Save
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </td>
    </tr>
  );
}

/** A category, a description and an amount (and a quantity for a line). */
function AmountForm({
  label,
  amountLabel,
  withQuantity = false,
  currency,
  submit,
  onSubmit,
}: {
  label: string;
  amountLabel: string;
  withQuantity?: boolean;
  currency: string;
  submit: string;
  /** @returns whether it was saved (the form is then cleared). */
  onSubmit(v: {
    category: Category;
    description: string;
    amount: number;
    quantity: number;
  }): Promise<boolean>;
}) {
  const [category, setCategory] = useState<Category>("studio");
  const [description, setDescription] = useState("");
  const [quantity, setQuantity] = useState("1");
  const [amount, setAmount] = useState("");
  const [err, setErr] = useState<string | null>(null);
  return (
    <form
      className="row"
      aria-label={label}
      onSubmit={async (ev) => {
        ev.preventDefault();
        const minor = parseMoney(amount, currency);
        const q = withQuantity ? Number(quantity) : 1;
        if (minor === null)
          return setErr(`${amountLabel.replace(/ \(.*\)$/, "").toLowerCase()}: not an amount in ${currency}`);
        if (!(q > 0)) return setErr("quantity: must be above 0");
        setErr(null);
        if (await onSubmit({ category, description, amount: minor, quantity: q })) {
          setDescription("");
          setAmount("");
          setQuantity("1");
        }
      }}
    >
      <strong>{label}</strong>
      <label>
        Category
        <select value={category} onChange={(e) => setCategory(e.target.value as Category)}>
          {BUDGET_CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {words(c)}
            </option>
          ))}
        </select>
      </label>
      <label>
        Description
        <input required value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      {withQuantity && (
        <label>
          Quantity
          <input
            required
            inputMode="decimal"
            value={quantity}
            onChange={(e) => setQuantity(e.target.value)}
          />
        </label>
      )}
      <label>
        {amountLabel}
        <input required inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} />
      </label>
      <button type="submit">{submit}</button>
      {err && (
        <p role="alert" className="error">
          {err}
        </p>
      )}
    </form>
  );
}
