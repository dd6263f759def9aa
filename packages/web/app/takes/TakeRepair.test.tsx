/**
 * Repair in the take list: the analysis's badges on each take, the Repair action (auto or chosen fixes,
 * amount and noise stretch) running the job with its progress, the repaired take named as repaired from its
 * original with an A/B against it, and who may repair.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { REPAIR_FIXES } from "@controlroom/engine/repair/repair-channels.ts";
import { api } from "../api.ts";
import { audioBuffer, fakeAudio, sine } from "../testing/fake-audio.ts";
import { doneJob, sha, take } from "../testing/fixtures.ts";
import { renderPage, screen, userEvent, waitFor, within } from "../testing/render.tsx";
import { deferred, stub } from "../testing/stub.ts";
import { FIX_LABELS } from "./RepairTake.tsx";
import { TakeList } from "./TakeList.tsx";

const problems = (summary: string[], fixes: string[]) => ({
  summary,
  clicks: 12,
  crackle: 0,
  hum: { fundamentalHz: 50, levelDb: -30 },
  clippedRuns: 1145,
  clippedSamples: 4000,
  noiseFloorDb: -70,
  dcDb: null,
  fixes,
});

const ORIGINAL = take({
  id: "t1",
  part: "lead vocal",
  number: 1,
  integratedLufs: -20,
  problems: problems(["clipped 1,145 runs", "12 clicks", "hum 50 Hz −30 dB"], ["declip", "declick", "dehum"]),
});
const CLEAN = take({ id: "t2", part: "lead vocal", number: 2, problems: problems([], []) });
const UNSCANNED = take({ id: "t3", part: "bass", number: 1 });
const REPAIRED = take({
  id: "t4",
  part: "lead vocal",
  number: 3,
  blobSha256: sha("b"),
  integratedLufs: -21,
  repairedFromTakeId: "t1",
  repairJobId: "j1",
  notes: "repaired from take 1 (declip, declick, dehum)",
  problems: problems(["hum 50 Hz −62 dB"], ["dehum"]),
});

const REPAIR_RESULT = {
  takeId: "t4",
  versionId: null,
  sourceTakeId: "t1",
  sourceVersionId: null,
  songId: "s1",
  label: null,
  repaired: { sha256: sha("b"), size: 100, format: "wav" },
  integratedLufs: -21,
  truePeakDbtp: -3,
  durationSeconds: 4,
  fixes: ["declick"],
  found: ["12 clicks"],
  done: ["declick: 12 events restored (24 samples)"],
  problemsAfter: null,
  report: {},
};

describe("TakeList repair", () => {
  it("shows each take's detected problems as badges; clean and not yet scanned takes say so", async () => {
    stub(api, { takes: async () => [ORIGINAL, CLEAN, UNSCANNED] });
    renderPage(<TakeList songId="s1" projectId="p1" roles={["viewer"]} />);
    const badges = await screen.findByRole("list", { name: "Problems in lead vocal take 1" });
    assert.deepEqual(
      within(badges)
        .getAllByRole("listitem")
        .map((li) => li.textContent),
      ["clipped 1,145 runs", "12 clicks", "hum 50 Hz −30 dB"],
    );
    within(screen.getByRole("row", { name: /lead vocal take 2/ })).getByText("clean");
    within(screen.getByRole("row", { name: /bass take 1/ })).getByText("not scanned");
    // Viewers may not repair.
    assert.equal(screen.queryByRole("button", { name: /^Repair / }), null);
  });

  it("repairs with auto: the fixes the analysis found, the job's progress, what was done, then reloads", async () => {
    const job = deferred<unknown>();
    let listed = 0;
    const calls = stub(api, {
      takes: async () => (listed++ === 0 ? [ORIGINAL] : [ORIGINAL, REPAIRED]),
      repairTake: async () => doneJob(null, { kind: "repair", status: "running", progress: 0.4 }),
      job: () => job.promise,
    });
    renderPage(<TakeList songId="s1" projectId="p1" roles={["engineer"]} />);
    await userEvent.click(await screen.findByRole("button", { name: "Repair lead vocal take 1" }));
    const form = screen.getByRole("form", { name: "Repair lead vocal take 1" });
    const auto = within(form).getByRole("checkbox", { name: /^Auto \(declip, declick, dehum\)/ });
    assert.equal((auto as HTMLInputElement).checked, true);
    // With auto, the fixes shown are the analysis's, and cannot be changed.
    const box = (f: keyof typeof FIX_LABELS) =>
      within(form).getByRole("checkbox", { name: FIX_LABELS[f] }) as HTMLInputElement;
    assert.deepEqual(
      REPAIR_FIXES.filter((f) => box(f).checked),
      ["declip", "declick", "dehum"],
    );
    assert.equal(box("denoise").disabled, true);
    await userEvent.click(within(form).getByRole("button", { name: "Repair" }));
    await screen.findByText("Repairing… 40%");
    assert.deepEqual(calls.repairTake, [["t1", { fixes: "auto", amountDb: 12 }]]);
    job.resolve(doneJob(REPAIR_RESULT, { kind: "repair" }));
    await screen.findByText("Repaired lead vocal take 1: declick: 12 events restored (24 samples)");
    // The list reloads and shows the repaired take, linked to its original.
    const row = await screen.findByRole("row", { name: /lead vocal take 3/ });
    within(row).getByText(/repaired from lead vocal take 1/);
    assert.equal(listed, 2);
  });

  it("repairs chosen fixes with an amount and a noise stretch; refusals are shown", async () => {
    const calls = stub(api, {
      takes: async () => [ORIGINAL],
      repairTake: async () => {
        throw new Error("noiseFrom: 0–9 s is not inside the file (0–4.000 s)");
      },
    });
    renderPage(<TakeList songId="s1" projectId="p1" roles={["mixing_engineer"]} />);
    await userEvent.click(await screen.findByRole("button", { name: "Repair lead vocal take 1" }));
    const form = screen.getByRole("form", { name: "Repair lead vocal take 1" });
    await userEvent.click(within(form).getByRole("checkbox", { name: /^Auto/ }));
    // Starting from the analysis's choice: drop declip and dehum, add denoise.
    for (const f of ["declip", "dehum", "denoise"] as const)
      await userEvent.click(within(form).getByRole("checkbox", { name: FIX_LABELS[f] }));
    const amount = within(form).getByLabelText("Denoise amount (dB)");
    await userEvent.clear(amount);
    await userEvent.type(amount, "20");
    await userEvent.type(within(form).getByLabelText("Noise only from (s)"), "0");
    await userEvent.type(within(form).getByLabelText("to (s)"), "9");
    await userEvent.click(within(form).getByRole("button", { name: "Repair" }));
    await within(form).findByText("noiseFrom: 0–9 s is not inside the file (0–4.000 s)");
    assert.deepEqual(calls.repairTake, [
      ["t1", { fixes: ["declick", "denoise"], amountDb: 20, noiseFrom: [0, 9] }],
    ]);
    // No fix and no auto: nothing to ask for.
    await userEvent.click(within(form).getByRole("checkbox", { name: FIX_LABELS.declick }));
    await userEvent.click(within(form).getByRole("checkbox", { name: FIX_LABELS.denoise }));
    assert.equal((within(form).getByRole("button", { name: "Repair" }) as HTMLButtonElement).disabled, true);
    within(form).getByText("Choose at least one fix, or auto.");
  });

  it("only producers, engineers and mixing engineers see the Repair action", async () => {
    for (const [roles, shown] of [
      [["producer"], true],
      [["engineer"], true],
      [["mixing_engineer"], true],
      [["mastering_engineer"], false],
      [["artist"], false],
      [["label"], false],
    ] as const) {
      stub(api, { takes: async () => [ORIGINAL] });
      const { unmount } = renderPage(<TakeList songId="s1" projectId="p1" roles={[...roles]} />);
      await screen.findByRole("row", { name: /lead vocal take 1/ });
      assert.equal(!!screen.queryByRole("button", { name: "Repair lead vocal take 1" }), shown, roles[0]);
      unmount();
    }
  });

  it("opens the A/B of a repaired take against its original, loudness-matched from the server's figures", async () => {
    stub(api, { takes: async () => [ORIGINAL, REPAIRED] });
    const audio = fakeAudio({
      [api.blobUrl(sha("a"))]: audioBuffer([sine(220, 0.5, 1)]),
      [api.blobUrl(sha("b"))]: audioBuffer([sine(220, 0.45, 1)]),
    });
    renderPage(<TakeList songId="s1" projectId="p1" roles={["producer"]} />, { audio });
    await userEvent.click(
      await screen.findByRole("button", { name: "Compare lead vocal take 3 with lead vocal take 1" }),
    );
    const status = await screen.findByTestId("repair-ab-status");
    await waitFor(() =>
      assert.equal(
        status.textContent,
        "Hearing A (original, lead vocal take 1) at 0:00.0, loudness-matched -1.0 dB",
      ),
    );
    assert.deepEqual(
      audio.players[0].sides.map((s) => s?.gainDb),
      [-1, 0],
    );
    await userEvent.click(screen.getByRole("button", { name: "Close" }));
    assert.equal(screen.queryByTestId("repair-ab-status"), null);
    assert.equal(audio.players[0].disposed, true);
  });
});
