import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  addInvoice,
  budgetSummary,
  createBudgetLine,
  updateBudgetLine,
  updateInvoice,
} from "../budget/budget.ts";
import { formatMoney } from "../budget/money.ts";
import type { Studio } from "../context.ts";
import type { StudioError } from "../errors.ts";
import { createProject, setMemberRoles } from "../projects/projects.ts";
import {
  DATABASES,
  openTestStudio,
  seedTeam,
  type TeamFixture,
  type TestStudio,
} from "../testing/test-studio.ts";
import { cancelBooking, confirmBooking, createBooking, listBookings } from "./bookings.ts";
import { createRoom } from "./rooms.ts";

test("money is formatted from integer minor units per currency", () => {
  assert.equal(formatMoney(123456, "EUR"), "1,234.56 EUR");
  assert.equal(formatMoney(-5, "USD"), "-0.05 USD");
  assert.equal(formatMoney(1500, "JPY"), "1,500 JPY");
});

for (const kind of DATABASES) {
  describe(`schedule and budget on ${kind}`, () => {
    let t: TestStudio;
    let s: Studio;
    let team: TeamFixture;
    let roomA: string;
    let roomB: string;
    before(async () => {
      t = await openTestStudio(kind);
      s = t.studio;
      team = await seedTeam(s);
      const { producer } = team.actors;
      // €60.00/h, free cancellation until 48 h ahead, 50 % after.
      roomA = (
        await createRoom(s, producer, team.workspaceId, {
          name: "Studio A",
          hourlyRateMinor: 6000,
          currency: "EUR",
        })
      ).id;
      roomB = (
        await createRoom(s, producer, team.workspaceId, {
          name: "Studio B",
          hourlyRateMinor: 4000,
          currency: "EUR",
          freeCancellationHours: 24,
          lateCancellationPercent: 100,
        })
      ).id;
    });
    after(() => t.cleanup());

    test("double-booked room or person is a 409 naming the conflicting booking; holds count; cancelled do not", async () => {
      const { producer, session_musician: drummer, engineer } = team.actors;
      const day = await createBooking(s, producer, team.projectId, {
        title: "Drums day",
        roomId: roomA,
        people: [drummer.userId, engineer.userId],
        status: "hold",
        startsAt: "2027-03-01T10:00:00+01:00",
        endsAt: "2027-03-01T18:00:00+01:00",
        timeZone: "Europe/Berlin",
      });
      assert.equal(day.localStart, "2027-03-01 10:00");
      assert.equal(day.costMinor, 48000); // 8 h × €60
      // Same drummer, other room, overlapping by an hour (09:00Z–10:00Z = 10:00–11:00 Berlin).
      await assert.rejects(
        createBooking(s, producer, team.projectId, {
          title: "Percussion",
          roomId: roomB,
          people: [drummer.userId],
          startsAt: "2027-03-01T08:00:00Z",
          endsAt: "2027-03-01T10:00:00Z",
          timeZone: "UTC",
        }),
        (e: StudioError) => {
          assert.equal(e.status, 409);
          assert.match(e.message, /session_musician already booked: conflicts with booking "Drums day"/);
          // Named as the producer knows it (title and time), not by its id (which travels in the detail).
          assert.match(e.message, /"Drums day", 2027-03-01 10:00–18:00 Europe\/Berlin$/);
          assert.doesNotMatch(e.message, new RegExp(day.id));
          assert.deepEqual(e.detail, { conflictingBookingId: day.id });
          return true;
        },
      );
      // Same room from another project in the workspace.
      const other = await createProject(s, producer, {
        workspaceId: team.workspaceId,
        title: "Side EP",
        kind: "ep",
      });
      await assert.rejects(
        createBooking(s, producer, other.id, {
          title: "Vocals",
          roomId: roomA,
          startsAt: "2027-03-01T16:00:00Z",
          endsAt: "2027-03-01T19:00:00Z",
          timeZone: "UTC",
        }),
        /room Studio A already booked: conflicts with booking "Drums day"/,
      );
      // Back-to-back is fine: 18:00 Berlin = 17:00Z.
      await createBooking(s, producer, other.id, {
        title: "Evening vocals",
        roomId: roomA,
        startsAt: "2027-03-01T17:00:00Z",
        endsAt: "2027-03-01T19:00:00Z",
        timeZone: "Europe/London",
      }).catch((e) => assert.fail(e));
      // Cancelled bookings free the slot.
      await cancelBooking(s, producer, day.id, { version: day.version });
      await createBooking(s, producer, team.projectId, {
        title: "Drums day (moved)",
        roomId: roomB,
        people: [drummer.userId],
        startsAt: "2027-03-01T09:00:00Z",
        endsAt: "2027-03-01T12:00:00Z",
        timeZone: "UTC",
      });
      await assert.rejects(
        createBooking(s, producer, team.projectId, {
          title: "x",
          roomId: roomA,
          startsAt: "2027-03-02T10:00:00Z",
          endsAt: "2027-03-02T09:00:00Z",
          timeZone: "UTC",
        }),
        /endsAt: must be after startsAt/,
      );
      await assert.rejects(
        createBooking(s, producer, team.projectId, {
          title: "x",
          roomId: roomA,
          startsAt: "2027-03-02T10:00:00Z",
          endsAt: "2027-03-02T11:00:00Z",
          timeZone: "Mars/Olympus",
        }),
        /timeZone:/,
      );
      await assert.rejects(
        createBooking(s, engineer, team.projectId, {
          title: "x",
          roomId: roomA,
          startsAt: "2027-04-02T10:00:00Z",
          endsAt: "2027-04-02T11:00:00Z",
          timeZone: "UTC",
        }),
        { status: 403 },
      );
    });

    test("confirmed bookings flow into actuals; cancellation applies the policy; overspend warns", async () => {
      const { producer, label, artist } = team.actors;
      const p = (
        await createProject(s, producer, {
          workspaceId: team.workspaceId,
          title: "Budget LP",
          kind: "album",
          currency: "EUR",
        })
      ).id;
      await setMemberRoles(s, producer, p, { userId: label.userId, roles: ["label"] });
      await setMemberRoles(s, producer, p, { userId: artist.userId, roles: ["artist"] });
      await createBudgetLine(s, producer, p, {
        category: "studio",
        description: "Tracking days",
        quantity: 2,
        unitMinor: 40000,
      });
      const mix = await createBudgetLine(s, producer, p, {
        category: "mixing",
        description: "Mixing per song",
        quantity: 10,
        unitMinor: 50000,
      });
      const start = new Date("2027-06-01T09:00:00Z");
      const b1 = await createBooking(s, producer, p, {
        title: "Day 1",
        roomId: roomA,
        status: "confirmed",
        startsAt: "2027-06-01T09:00:00Z",
        endsAt: "2027-06-01T19:00:00Z",
        timeZone: "UTC",
      });
      const b2 = await createBooking(s, producer, p, {
        title: "Day 2",
        roomId: roomA,
        status: "hold",
        startsAt: "2027-06-02T09:00:00Z",
        endsAt: "2027-06-02T19:00:00Z",
        timeZone: "UTC",
      });
      let sum = await budgetSummary(s, label, p);
      assert.equal(sum.byCategory.studio.actualMinor, 60000); // only the confirmed day: 10 h × €60
      assert.equal(sum.byCategory.studio.plannedMinor, 80000);
      assert.deepEqual(sum.warnings, []);
      await confirmBooking(s, producer, b2.id, { version: b2.version });
      sum = await budgetSummary(s, producer, p);
      assert.equal(sum.byCategory.studio.actualMinor, 120000);
      assert.deepEqual(sum.warnings, [
        "studio: actual 1,200.00 EUR exceeds planned 800.00 EUR by 400.00 EUR",
      ]);
      // Day 1 cancelled 10 h ahead (inside 48 h): 50 % fee stays. Day 2 cancelled 5 days ahead: free.
      const c1 = await cancelBooking(
        s,
        producer,
        b1.id,
        { version: b1.version },
        new Date(start.getTime() - 10 * 3600e3),
      );
      assert.equal(c1.cancellationFeeMinor, 30000);
      const b2now = (await listBookings(s, producer, p)).find((b) => b.id === b2.id);
      await cancelBooking(
        s,
        producer,
        b2.id,
        { version: b2now?.version },
        new Date(start.getTime() - 5 * 86400e3),
      );
      sum = await budgetSummary(s, producer, p);
      assert.equal(sum.byCategory.studio.actualMinor, 30000);
      assert.deepEqual(sum.warnings, []);
      await addInvoice(s, producer, p, {
        category: "mixing",
        description: "Mixer invoice",
        amountMinor: 510000,
      });
      sum = await budgetSummary(s, producer, p);
      assert.deepEqual(sum.total, {
        plannedMinor: 580000,
        actualMinor: 540000,
        remainingMinor: 40000,
        over: false,
      });
      assert.deepEqual(sum.warnings, [
        "mixing: actual 5,100.00 EUR exceeds planned 5,000.00 EUR by 100.00 EUR",
      ]);
      // A wrong invoice is corrected in place; a booking's cost is not an invoice; only producers correct.
      const invoice = sum.actuals.find((a) => a.description === "Mixer invoice");
      const booked = sum.actuals.find((a) => a.source === "booking");
      assert.ok(invoice && booked);
      await assert.rejects(updateInvoice(s, artist, invoice.id, { amountMinor: 1 }), { status: 403 });
      await assert.rejects(updateInvoice(s, producer, booked.id, { amountMinor: 1 }), { status: 409 });
      await assert.rejects(updateInvoice(s, producer, invoice.id, { amountMinor: 1.5 }), /amountMinor: /);
      await updateInvoice(s, producer, invoice.id, {
        amountMinor: 490000,
        description: "Mixer invoice (corrected)",
      });
      sum = await budgetSummary(s, producer, p);
      assert.equal(sum.byCategory.mixing.actualMinor, 490000);
      assert.deepEqual(sum.warnings, []);
      assert.ok(sum.actuals.some((a) => a.description === "Mixer invoice (corrected)"));
      const up = await updateBudgetLine(s, producer, mix.id, { version: mix.version, quantity: 11 });
      assert.equal(up.plannedMinor, 550000);
      await assert.rejects(updateBudgetLine(s, producer, mix.id, { version: mix.version, quantity: 12 }), {
        status: 409,
      });
      await assert.rejects(budgetSummary(s, artist, p), { status: 403 });
      await assert.rejects(
        createBudgetLine(s, producer, p, { category: "catering", description: "x", unitMinor: 1 }),
        /category:/,
      );
      await assert.rejects(
        createBudgetLine(s, producer, p, { category: "other", description: "x", unitMinor: 1.5 }),
        /unitMinor:/,
      );
    });
  });
}
