import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { api } from "../api.ts";
import { take } from "../testing/fixtures.ts";
import { render, screen, userEvent, waitFor, within } from "../testing/render.tsx";
import { stub } from "../testing/stub.ts";
import { TakeList } from "./TakeList.tsx";

const TAKES = [
  take({
    id: "t1",
    part: "lead vocal",
    number: 1,
    version: 3,
    rating: 2,
    decision: "comp",
    notes: "pitchy bar 9",
  }),
  take({ id: "t2", part: "lead vocal", number: 2, blobSha256: null }),
];

describe("TakeList", () => {
  it("lists each take with its performer, audio, rating, decision and notes", async () => {
    stub(api, { takes: async () => TAKES });
    render(<TakeList songId="s1" projectId="p1" roles={["producer"]} />);
    const row = await screen.findByRole("row", { name: /lead vocal take 1/ });
    within(row).getByText("Eve Engineer");
    assert.equal((within(row).getByLabelText("Rating of lead vocal take 1") as HTMLSelectElement).value, "2");
    assert.equal(
      (within(row).getByLabelText("Decision on lead vocal take 1") as HTMLSelectElement).value,
      "comp",
    );
    assert.equal(
      (within(row).getByLabelText("Notes on lead vocal take 1") as HTMLInputElement).value,
      "pitchy bar 9",
    );
    within(row).getByLabelText("Play lead vocal take 1");
    within(screen.getByRole("row", { name: /lead vocal take 2/ })).getByText("no audio");
  });

  it("saves a rating, a decision and notes with the take's version, then reloads", async () => {
    const calls = stub(api, { takes: async () => TAKES, decideTake: async () => ({}) });
    render(<TakeList songId="s1" projectId="p1" roles={["producer"]} />);
    await userEvent.selectOptions(await screen.findByLabelText("Rating of lead vocal take 1"), "4");
    await userEvent.selectOptions(screen.getByLabelText("Decision on lead vocal take 1"), "keep");
    const notes = screen.getByLabelText("Notes on lead vocal take 1");
    await userEvent.clear(notes);
    await userEvent.type(notes, "the one");
    await userEvent.click(
      within(screen.getByRole("row", { name: /lead vocal take 1/ })).getByRole("button", { name: "Save" }),
    );
    await waitFor(() => assert.equal(calls.decideTake.length, 3));
    assert.deepEqual(calls.decideTake, [
      ["t1", { version: 3, rating: 4 }],
      ["t1", { version: 3, decision: "keep" }],
      ["t1", { version: 3, notes: "the one" }],
    ]);
    // The list reloads after each save, for the takes' new versions.
    await waitFor(() => assert.equal(calls.takes.length, 4));
  });

  it("clears a rating and a decision", async () => {
    const calls = stub(api, { takes: async () => TAKES, decideTake: async () => ({}) });
    render(<TakeList songId="s1" projectId="p1" roles={["producer"]} />);
    await userEvent.selectOptions(await screen.findByLabelText("Rating of lead vocal take 1"), "–");
    await userEvent.selectOptions(screen.getByLabelText("Decision on lead vocal take 1"), "undecided");
    await waitFor(() =>
      assert.deepEqual(calls.decideTake, [
        ["t1", { version: 3, rating: null }],
        ["t1", { version: 3, decision: null }],
      ]),
    );
  });

  it("shows the server's refusal on the row", async () => {
    stub(api, {
      takes: async () => TAKES,
      decideTake: async () => {
        throw new Error("take t1 was changed by someone else");
      },
    });
    render(<TakeList songId="s1" projectId="p1" roles={["producer"]} />);
    await userEvent.selectOptions(await screen.findByLabelText("Decision on lead vocal take 1"), "redo");
    const row = screen.getByRole("row", { name: /lead vocal take 1/ });
    await within(row).findByText("take t1 was changed by someone else");
  });

  it("lets those who may not decide only look", async () => {
    stub(api, { takes: async () => TAKES });
    render(<TakeList songId="s1" projectId="p1" roles={["viewer"]} />);
    const rating = (await screen.findByLabelText("Rating of lead vocal take 1")) as HTMLSelectElement;
    assert.equal(rating.disabled, true);
    assert.equal(
      (screen.getByLabelText("Decision on lead vocal take 1") as HTMLSelectElement).disabled,
      true,
    );
    assert.equal(screen.queryByLabelText("Notes on lead vocal take 1"), null);
    screen.getByText("pitchy bar 9");
  });

  it("points to recording when there are no takes, and reloads when a take is recorded", async () => {
    const calls = stub(api, { takes: async () => [] });
    const { rerender } = render(<TakeList songId="s1" projectId="p1" roles={["producer"]} reloadKey={0} />);
    const link = await screen.findByRole("link", { name: "Record one" });
    assert.equal(link.getAttribute("href"), "/songs/s1/record");
    rerender(<TakeList songId="s1" projectId="p1" roles={["producer"]} reloadKey={1} />);
    await waitFor(() => assert.equal(calls.takes.length, 2));
  });
});
