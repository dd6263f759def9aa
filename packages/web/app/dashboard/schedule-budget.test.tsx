import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ApiError, api } from "../api.ts";
import { render, screen, userEvent, waitFor, within } from "../testing/render.tsx";
import { stub } from "../testing/stub.ts";
import { BookingForm, zonedToIso } from "./BookingForm.tsx";
import { axisMax, BudgetChart } from "./BudgetChart.tsx";
import { BudgetEditor } from "./BudgetEditor.tsx";
import { Calendar, conflictsOf } from "./Calendar.tsx";
import { parseMoney } from "./money.ts";

const ROOMS = [{ id: "r1", name: "Studio A", hourlyRateMinor: 5000, currency: "EUR" }] as never[];
const TEAM = [{ userId: "u2", name: "Eve Engineer", email: "eve@example.com", roles: ["engineer"] }];

describe("zonedToIso", () => {
  it("reads the wall time in the booking's zone, summer and winter", () => {
    assert.equal(zonedToIso("2027-07-01T10:00", "Europe/Berlin"), "2027-07-01T08:00:00.000Z");
    assert.equal(zonedToIso("2027-01-15T10:00", "Europe/Berlin"), "2027-01-15T09:00:00.000Z");
    assert.equal(zonedToIso("2027-01-15T10:00", "America/New_York"), "2027-01-15T15:00:00.000Z");
    assert.equal(zonedToIso("2027-01-15T10:00", "UTC"), "2027-01-15T10:00:00.000Z");
  });
});

describe("BookingForm", () => {
  async function fill(title: string) {
    await userEvent.type(screen.getByLabelText("Booking title"), title);
    await userEvent.selectOptions(screen.getByLabelText(/^Room/), "Studio A");
    await userEvent.click(screen.getByLabelText("Eve Engineer"));
    await userEvent.type(screen.getByLabelText("Starts"), "2027-07-01T10:00");
    await userEvent.type(screen.getByLabelText("Ends"), "2027-07-01T18:00");
    const tz = screen.getByLabelText(/^Time zone/);
    await userEvent.clear(tz);
    await userEvent.type(tz, "Europe/Berlin");
    await userEvent.click(screen.getByRole("button", { name: "Book" }));
  }

  it("books the room and people at the zone's instants and says so in local time", async () => {
    const calls = stub(api, {
      createBooking: async () => ({
        title: "Drums tracking",
        status: "hold",
        localStart: "2027-07-01 10:00",
        localEnd: "2027-07-01 18:00",
      }),
    });
    let booked = 0;
    render(<BookingForm projectId="p1" rooms={ROOMS} team={TEAM} onBooked={() => booked++} />);
    await fill("Drums tracking");
    await screen.findByText(/^Booked “Drums tracking” 2027-07-01 10:00–18:00 (Europe\/Berlin )?\(hold\)\.$/);
    assert.deepEqual(calls.createBooking[0], [
      "p1",
      {
        title: "Drums tracking",
        roomId: "r1",
        people: ["u2"],
        status: "hold",
        startsAt: "2027-07-01T08:00:00.000Z",
        endsAt: "2027-07-01T16:00:00.000Z",
        timeZone: "Europe/Berlin",
      },
    ]);
    assert.equal(booked, 1);
    assert.equal((screen.getByLabelText("Booking title") as HTMLInputElement).value, "");
  });

  it("starts in the studio's booking zone, not the browser's, and says which zone the times are in", async () => {
    const calls = stub(api, {
      createBooking: async () => ({
        title: "Mixing",
        status: "hold",
        localStart: "2027-07-02 10:00",
        localEnd: "2027-07-02 12:00",
      }),
    });
    render(
      <BookingForm
        projectId="p1"
        rooms={ROOMS}
        team={TEAM}
        defaultTimeZone="Pacific/Auckland"
        onBooked={() => {}}
      />,
    );
    assert.equal((screen.getByLabelText(/^Time zone/) as HTMLInputElement).value, "Pacific/Auckland");
    await userEvent.type(screen.getByLabelText("Booking title"), "Mixing");
    await userEvent.type(screen.getByLabelText("Starts"), "2027-07-02T10:00");
    await userEvent.type(screen.getByLabelText("Ends"), "2027-07-02T12:00");
    await userEvent.click(screen.getByRole("button", { name: "Book" }));
    await screen.findByText("Booked “Mixing” 2027-07-02 10:00–12:00 Pacific/Auckland (hold).");
    // 10:00 in Auckland (NZST, +12:00) is 22:00 UTC the day before.
    assert.equal((calls.createBooking[0][1] as { startsAt: string }).startsAt, "2027-07-01T22:00:00.000Z");
    assert.equal((calls.createBooking[0][1] as { timeZone: string }).timeZone, "Pacific/Auckland");
  });

  it("flags the server's conflict refusal as an alert naming the other booking", async () => {
    stub(api, {
      createBooking: async () => {
        throw new ApiError(409, "Studio A is booked for “Drums tracking” 10:00–18:00", null);
      },
    });
    render(<BookingForm projectId="p1" rooms={ROOMS} team={TEAM} onBooked={() => {}} />);
    await fill("Vocal overdubs");
    const alert = await screen.findByRole("alert");
    assert.equal(alert.textContent, "⚠ Conflict: Studio A is booked for “Drums tracking” 10:00–18:00");
  });

  it("shows other refusals as they are, not as a conflict", async () => {
    stub(api, {
      createBooking: async () => {
        throw new ApiError(400, "endsAt: must be after startsAt", null);
      },
    });
    render(<BookingForm projectId="p1" rooms={ROOMS} team={TEAM} onBooked={() => {}} />);
    await fill("Backwards");
    await waitFor(() =>
      assert.equal(screen.getByRole("status").textContent, "endsAt: must be after startsAt"),
    );
    assert.equal(screen.queryByRole("alert"), null);
  });
});

describe("conflictsOf", () => {
  const b = (id: string, from: string, to: string, o: Record<string, unknown> = {}) =>
    ({
      id,
      title: `booking ${id}`,
      roomId: "r1",
      people: [],
      status: "hold",
      startsAt: from,
      endsAt: to,
      ...o,
    }) as never;

  it("pairs live bookings that overlap and share a room or a person", () => {
    const c = conflictsOf([
      b("a", "2027-07-01T08:00:00Z", "2027-07-01T16:00:00Z"),
      b("b", "2027-07-01T14:00:00Z", "2027-07-01T18:00:00Z"),
      b("c", "2027-07-01T16:00:00Z", "2027-07-01T17:00:00Z", { roomId: "r2", people: ["u2"] }),
      b("d", "2027-07-01T15:00:00Z", "2027-07-01T20:00:00Z", {
        roomId: null,
        people: ["u2"],
        status: "cancelled",
      }),
    ]);
    assert.deepEqual(Object.fromEntries(c), { a: ["booking b"], b: ["booking a"] });
  });

  it("does not count bookings that only touch end to start", () => {
    const c = conflictsOf([
      b("a", "2027-07-01T08:00:00Z", "2027-07-01T16:00:00Z"),
      b("b", "2027-07-01T16:00:00Z", "2027-07-01T18:00:00Z"),
    ]);
    assert.equal(c.size, 0);
  });
});

describe("Calendar", () => {
  it("shows a booking on its own zone's day, with its wall-clock times and zone, 24-hour", () => {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const far = zone === "Pacific/Auckland" ? "America/New_York" : "Pacific/Auckland";
    render(
      <Calendar
        team={[]}
        bookings={[
          {
            id: "b1",
            title: "Late mix",
            roomId: null,
            roomName: null,
            people: [],
            status: "hold",
            // 2027-07-02 09:00–11:00 in Auckland = 2027-07-01 21:00–23:00 UTC.
            startsAt: "2027-07-01T21:00:00.000Z",
            endsAt: "2027-07-01T23:00:00.000Z",
            timeZone: far,
            localStart: "2027-07-02 09:00",
            localEnd: "2027-07-02 11:00",
          } as never,
        ]}
      />,
    );
    const day = screen.getByRole("cell", { name: "2027-07-02" });
    assert.match(day.textContent ?? "", new RegExp(`09:00–11:00 ${far} Late mix`));
    assert.doesNotMatch(screen.getByRole("cell", { name: "2027-07-01" }).textContent ?? "", /Late mix/);
  });
});

describe("BudgetChart", () => {
  const totals = (plannedMinor: number, actualMinor: number) => ({
    plannedMinor,
    actualMinor,
    remainingMinor: plannedMinor - actualMinor,
    over: actualMinor > plannedMinor,
  });

  it("draws planned and actual per category, the overspend marked, and the totals in money", () => {
    render(
      <BudgetChart
        summary={
          {
            currency: "EUR",
            lines: [],
            actuals: [],
            byCategory: { studio: totals(80000, 20000), session_musicians: totals(10000, 15000) },
            total: totals(90000, 35000),
            warnings: ["session musicians is 50.00 EUR over plan"],
          } as never
        }
      />,
    );
    const chart = screen.getByRole("img", { name: "Budget planned versus actual by category" });
    const bars = chart.querySelectorAll("rect.planned, rect.actual, rect.over");
    // Two categories × planned/actual, and the legend's three keys.
    assert.equal(bars.length, 7);
    assert.equal(chart.querySelectorAll("g rect.over").length, 2);
    screen.getByText("session musicians");
    // Each bar says its amount; the axis runs from 0 to a round 1,000 EUR.
    const values = [...chart.querySelectorAll("text.value")].map((t) => t.textContent);
    assert.deepEqual(values, ["800.00 EUR", "200.00 EUR", "100.00 EUR", "150.00 EUR"]);
    const ticks = [...chart.querySelectorAll(".x-axis text.tick")].map((t) => t.textContent);
    assert.deepEqual(ticks, ["0", "500", "1k"]);
    within(chart).getByText("EUR");
    screen.getByText("Planned 900.00 EUR · actual 350.00 EUR · remaining 550.00 EUR");
    screen.getByText("⚠ session musicians is 50.00 EUR over plan");
  });
});

describe("budget amounts", () => {
  it("reads amounts as people type them, in the currency's minor units", () => {
    assert.equal(parseMoney("1,250.50", "EUR"), 125050);
    assert.equal(parseMoney("400", "EUR"), 40000);
    assert.equal(parseMoney("12.5", "EUR"), 1250);
    assert.equal(parseMoney("-20.00", "EUR"), -2000);
    assert.equal(parseMoney("1500", "JPY"), 1500);
    assert.equal(parseMoney("12.345", "EUR"), null);
    assert.equal(parseMoney("12.5", "JPY"), null);
    assert.equal(parseMoney("ten", "EUR"), null);
  });
  it("rounds the axis up to 1, 2 or 5 × a power of ten", () => {
    assert.equal(axisMax(90000, "EUR"), 100000);
    assert.equal(axisMax(130000, "EUR"), 200000);
    assert.equal(axisMax(4_100_000, "EUR"), 5_000_000);
  });
});

describe("BudgetEditor", () => {
  const SUMMARY = {
    currency: "EUR",
    lines: [
      {
        id: "l1",
        category: "tracking",
        description: "Tracking days",
        songId: null,
        quantity: 2,
        unitMinor: 40000,
        plannedMinor: 80000,
        version: 3,
      },
    ],
    actuals: [
      {
        id: "a1",
        category: "studio",
        source: "booking",
        bookingId: "b1",
        description: "Drums tracking",
        amountMinor: 48000,
      },
    ],
    byCategory: {},
    total: { plannedMinor: 80000, actualMinor: 48000, remainingMinor: 32000, over: false },
    warnings: [],
  } as never;

  it("lists the lines and actuals with their amounts", () => {
    render(<BudgetEditor projectId="p1" summary={SUMMARY} canWrite={false} onChange={() => {}} />);
    const lines = screen.getByRole("table", { name: "Budget lines" });
    assert.match(lines.textContent ?? "", /trackingTracking days2400\.00 EUR800\.00 EUR/);
    assert.match(
      screen.getByRole("table", { name: "Actuals" }).textContent ?? "",
      /studioDrums trackingbooking480\.00 EUR/,
    );
    // Reading only: no forms, no edit buttons.
    assert.equal(screen.queryByRole("button", { name: /^Edit/ }), null);
    assert.equal(screen.queryByRole("form", { name: "New budget line" }), null);
  });

  it("adds a line, edits one, and records an invoice, in the currency's units", async () => {
    const calls = stub(api, {
      addBudgetLine: async () => ({}),
      updateBudgetLine: async () => ({}),
      addInvoice: async () => ({ ok: true }),
    });
    let changed = 0;
    render(<BudgetEditor projectId="p1" summary={SUMMARY} canWrite onChange={() => changed++} />);
    const add = screen.getByRole("form", { name: "New budget line" });
    await userEvent.selectOptions(within(add).getByLabelText("Category"), "mixing");
    await userEvent.type(within(add).getByLabelText("Description"), "Mix, per song");
    await userEvent.clear(within(add).getByLabelText("Quantity"));
    await userEvent.type(within(add).getByLabelText("Quantity"), "10");
    await userEvent.type(within(add).getByLabelText("Unit price (EUR)"), "1,250.50");
    await userEvent.click(within(add).getByRole("button", { name: "Add line" }));
    await screen.findByText("Added “Mix, per song”: 12,505.00 EUR planned.");
    assert.deepEqual(calls.addBudgetLine, [
      ["p1", { category: "mixing", description: "Mix, per song", quantity: 10, unitMinor: 125050 }],
    ]);

    await userEvent.click(screen.getByRole("button", { name: "Edit Tracking days" }));
    const price = screen.getByLabelText("Unit price (EUR)", { selector: "td input" }) as HTMLInputElement;
    assert.equal(price.value, "400.00");
    await userEvent.clear(price);
    await userEvent.type(price, "450");
    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    await screen.findByText("Changed “Tracking days”.");
    assert.deepEqual(calls.updateBudgetLine, [
      ["l1", { version: 3, description: "Tracking days", quantity: 2, unitMinor: 45000 }],
    ]);

    const inv = screen.getByRole("form", { name: "Record an invoice" });
    await userEvent.selectOptions(within(inv).getByLabelText("Category"), "mastering");
    await userEvent.type(within(inv).getByLabelText("Description"), "Mastering house");
    await userEvent.type(within(inv).getByLabelText("Invoice amount (EUR)"), "12.345");
    await userEvent.click(within(inv).getByRole("button", { name: "Record invoice" }));
    await screen.findByText("invoice amount: not an amount in EUR");
    await userEvent.clear(within(inv).getByLabelText("Invoice amount (EUR)"));
    await userEvent.type(within(inv).getByLabelText("Invoice amount (EUR)"), "600");
    await userEvent.click(within(inv).getByRole("button", { name: "Record invoice" }));
    await screen.findByText("Recorded the invoice “Mastering house”: 600.00 EUR.");
    assert.deepEqual(calls.addInvoice, [
      ["p1", { category: "mastering", description: "Mastering house", amountMinor: 60000 }],
    ]);
    assert.equal(changed, 3);
  });

  it("corrects a recorded invoice; a booking's cost is not editable here", async () => {
    const withInvoice = {
      ...(SUMMARY as object),
      actuals: [
        ...(SUMMARY as { actuals: object[] }).actuals,
        {
          id: "a2",
          category: "mixing",
          source: "invoice",
          bookingId: null,
          description: "Mixer",
          amountMinor: 51000,
        },
      ],
    } as never;
    const calls = stub(api, { updateInvoice: async () => ({ ok: true }) });
    render(<BudgetEditor projectId="p1" summary={withInvoice} canWrite onChange={() => {}} />);
    const actuals = screen.getByRole("table", { name: "Actuals" });
    assert.equal(within(actuals).queryByRole("button", { name: "Edit Drums tracking" }), null);
    await userEvent.click(within(actuals).getByRole("button", { name: "Edit Mixer" }));
    const amount = within(actuals).getByLabelText("Amount (EUR)") as HTMLInputElement;
    assert.equal(amount.value, "510.00");
    await userEvent.clear(amount);
    await userEvent.type(amount, "490");
    await userEvent.click(within(actuals).getByRole("button", { name: "Save" }));
    await screen.findByText("Corrected the invoice “Mixer”: 490.00 EUR.");
    assert.deepEqual(calls.updateInvoice, [["a2", { description: "Mixer", amountMinor: 49000 }]]);
  });
});
