import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { api, optional } from "../api.ts";
import { master } from "../audio/mastering.ts";
import { audioBuffer, fakeAudio, sine } from "../testing/fake-audio.ts";
import { doneJob, project, sha, song, version } from "../testing/fixtures.ts";
import { renderPage, screen, userEvent, waitFor, within } from "../testing/render.tsx";
import { deferred, stub } from "../testing/stub.ts";
import { MasteringPage } from "./MasteringPage.tsx";
import { masteringSource, withAudio } from "./sources.ts";

const MIX = version({ id: "v1", kind: "mix", number: 1, label: "quiet", blobSha256: sha("1") });
const MASTER = version({ id: "v2", kind: "master", number: 1, label: "old master", blobSha256: sha("2") });
const NO_AUDIO = version({ id: "v3", kind: "mix", number: 2, label: "lost", blobSha256: null });

describe("which version is mastered", () => {
  it("offers the versions with audio, starting with the picked one, else the first mix", () => {
    const sources = withAudio([MASTER, NO_AUDIO, MIX] as never);
    assert.deepEqual(
      sources.map((v) => v.id),
      ["v2", "v1"],
    );
    assert.equal(masteringSource(sources, "")?.id, "v1");
    assert.equal(masteringSource(sources, "v2")?.id, "v2");
    assert.equal(masteringSource(withAudio([MASTER] as never), "")?.id, "v2");
    assert.equal(masteringSource([], ""), undefined);
  });

  it("starts with the approved mix, not the newest render", () => {
    const approved = version({
      id: "a",
      kind: "mix",
      number: 2,
      approvalState: "approved",
      blobSha256: sha("a"),
    });
    const render = version({ id: "r", kind: "mix", number: 3, label: "mixer render", blobSha256: sha("r") });
    const sources = withAudio([render, MASTER, approved, MIX] as never);
    assert.equal(masteringSource(sources, "")?.id, "a");
    assert.equal(masteringSource(sources, "r")?.id, "r");
  });
});

function server(roles = ["producer"]) {
  stub(api, {
    song: async () => song(),
    project: async () => project(roles),
    versions: async () => [MASTER, MIX],
  });
  stub(optional, { routes: async () => ({ master: "/api/versions/{versionId}/master" }) });
}

describe("MasteringPage in the browser", () => {
  beforeEach(() => server());

  it("masters the mix to the streaming target with the engine, and its QC passes", async () => {
    // A 4 s stereo programme at −26 dBFS-ish: the engine has to bring it up to −14 LUFS under −1 dBTP.
    const mix = audioBuffer([sine(220, 0.05, 4), sine(330, 0.05, 4)]);
    const audio = { ...fakeAudio({ [api.blobUrl(sha("1"))]: mix }, true), master };
    renderPage(<MasteringPage songId="s1" />, { audio });
    const source = (await screen.findByLabelText(/^Source version/)) as HTMLSelectElement;
    assert.equal(source.value, "v1");
    assert.equal((screen.getByLabelText(/^Target/) as HTMLSelectElement).value, "spotify");
    await userEvent.click(screen.getByRole("button", { name: "Master in the browser" }));
    await screen.findByRole("heading", { name: "QC checklist" }, { timeout: 60_000 });
    const qc = within(screen.getByRole("region", { name: "QC checklist" }));
    qc.getByText(/^✓ Integrated loudness -1[34]\.\d LUFS within ±0\.5 LU of -14$/);
    qc.getByText(/^✓ True peak -\d+\.\d dBTP at or below -1 dBTP$/);
    const rows = within(screen.getByRole("region", { name: "Before and after" })).getAllByRole("row");
    assert.match(rows[1].textContent ?? "", /^before-2\d\.\d LUFS/);
    assert.match(rows[2].textContent ?? "", /^after-1[34]\.\d LUFS/);
    screen.getByRole("link", { name: "Download Master, 24-bit WAV" });
    screen.getByRole("link", { name: "Download Master, 16-bit WAV" });
  });

  it("adds the master to the version stack with its loudness", async () => {
    const mix = audioBuffer([sine(220, 0.05, 3), sine(330, 0.05, 3)]);
    const audio = { ...fakeAudio({ [api.blobUrl(sha("1"))]: mix }, true), master };
    const calls = stub(api, {
      upload: async () => ({ sha256: sha("9"), size: 1, format: "wav" }),
      createVersion: async () => version({ kind: "master", number: 2 }),
    });
    renderPage(<MasteringPage songId="s1" />, { audio });
    await userEvent.click(await screen.findByRole("button", { name: "Master in the browser" }));
    await userEvent.click(
      await screen.findByRole("button", { name: "Add to versions as a master" }, { timeout: 60_000 }),
    );
    await screen.findByText("Added master v2 to the version stack.");
    const [songId, body] = calls.createVersion[0] as [
      string,
      { kind: string; label: string; integratedLufs: number },
    ];
    assert.equal(songId, "s1");
    assert.deepEqual([body.kind, body.label], ["master", "spotify -14 LUFS"]);
    assert.ok(Math.abs(body.integratedLufs + 14) <= 0.5, `${body.integratedLufs}`);
  });

  it("shows why mastering failed", async () => {
    const audio = fakeAudio({}, true);
    renderPage(<MasteringPage songId="s1" />, { audio });
    await userEvent.click(await screen.findByRole("button", { name: "Master in the browser" }));
    await screen.findByText(`${api.blobUrl(sha("1"))}: HTTP 404`);
    assert.equal(
      (screen.getByRole("button", { name: "Master in the browser" }) as HTMLButtonElement).disabled,
      false,
    );
  });
});

describe("MasteringPage on the server", () => {
  it("runs the mastering job with progress and shows the server's QC and the master", async () => {
    server();
    const job = deferred<unknown>();
    let reloaded = 0;
    const calls = stub(optional, {
      master: async () => doneJob(null, { status: "running", progress: 0.25 }),
    });
    stub(api, {
      job: () => job.promise,
      versions: async () => {
        reloaded++;
        return [MASTER, MIX];
      },
    });
    renderPage(<MasteringPage songId="s1" />);
    await userEvent.click(await screen.findByRole("button", { name: "Master on the server" }));
    await screen.findByText("Mastering on the server… 25%");
    assert.deepEqual(calls.master, [[{ versionId: "v1", target: "spotify" }]]);
    job.resolve(
      doneJob({
        versionId: "v9",
        integratedLufs: -14.04,
        truePeakDbtp: -1.21,
        onTarget: true,
        qc: {
          verdict: "pass",
          checks: [
            { id: "loudness", verdict: "pass", message: "integrated -14.0 LUFS" },
            { id: "tail", verdict: "warn", message: "tail 0.1 s of silence" },
          ],
        },
        master: { sha256: sha("8") },
      }),
    );
    await screen.findByText("Master ready: -14.0 LUFS, true peak -1.2 dBTP.");
    screen.getByRole("heading", { name: "Server QC: pass" });
    screen.getByText("✓ integrated -14.0 LUFS");
    screen.getByText("! tail 0.1 s of silence");
    assert.equal(
      screen.getByRole("link", { name: "Download the server master" }).getAttribute("href"),
      api.blobUrl(sha("8")),
    );
    await waitFor(() => assert.equal(reloaded, 2));
  });

  it("masters only a mix on the server", async () => {
    server();
    renderPage(<MasteringPage songId="s1" />);
    await userEvent.selectOptions(await screen.findByLabelText(/^Source version/), "v2");
    assert.equal(
      (screen.getByRole("button", { name: "Master on the server" }) as HTMLButtonElement).disabled,
      true,
    );
  });

  it("is not offered to those who may not master", async () => {
    server(["viewer"]);
    renderPage(<MasteringPage songId="s1" />);
    await screen.findByRole("heading", { name: "Mastering" });
    assert.equal(screen.queryByRole("button", { name: "Master on the server" }), null);
    assert.equal(screen.queryByRole("button", { name: "Add to versions as a master" }), null);
  });
});
