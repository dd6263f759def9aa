import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { api } from "../api.ts";
import { comment } from "../testing/fixtures.ts";
import { render, screen, userEvent, within } from "../testing/render.tsx";
import { stub } from "../testing/stub.ts";
import { CommentList } from "./CommentList.tsx";

const COMMENTS = [
  comment({ id: "c1", body: "Vocal too loud here", atSeconds: 3 }),
  comment({ id: "c2", body: "Bass note sharp", atSeconds: 1.5, endSeconds: 2.4, version: 4 }),
  comment({
    id: "c3",
    body: "Snare drops out",
    atSeconds: 5,
    resolvedAt: "2025-03-01T13:00:00Z",
    replies: [comment({ id: "r1", authorName: "Eve Engineer", body: "Fixed in v3" })],
  }),
  comment({ id: "c4", body: "Love the outro", atSeconds: null }),
];

describe("CommentList", () => {
  it("lists comments with their moment or range, marks the resolved, and shows replies", () => {
    render(<CommentList comments={COMMENTS} canWrite versionId="v1" onPlay={() => {}} onChange={() => {}} />);
    const items = screen.getAllByRole("listitem").filter((li) => li.parentElement?.tagName === "OL");
    assert.equal(items.length, 4);
    within(items[0]).getByRole("button", { name: "▶ 0:03.0" });
    within(items[1]).getByRole("button", { name: "▶ 0:01.5–0:02.4" });
    within(items[2]).getByText("resolved");
    within(items[2]).getByText(/Fixed in v3/);
    assert.equal(within(items[3]).queryByRole("button", { name: /▶/ }), null);
  });

  it("plays from a comment's moment", async () => {
    const played: number[] = [];
    render(
      <CommentList
        comments={COMMENTS}
        canWrite
        versionId="v1"
        onPlay={(t) => played.push(t)}
        onChange={() => {}}
      />,
    );
    await userEvent.click(screen.getByRole("button", { name: "▶ 0:01.5–0:02.4" }));
    assert.deepEqual(played, [1.5]);
  });

  it("resolves and reopens with the comment's version", async () => {
    const calls = stub(api, { resolveComment: async () => ({}) });
    let changed = 0;
    render(
      <CommentList
        comments={COMMENTS}
        canWrite
        versionId="v1"
        onPlay={() => {}}
        onChange={() => changed++}
      />,
    );
    const [first, second, third] = screen
      .getAllByRole("listitem")
      .filter((li) => li.parentElement?.tagName === "OL");
    await userEvent.click(within(second).getByRole("button", { name: "Resolve" }));
    await userEvent.click(within(third).getByRole("button", { name: "Reopen" }));
    assert.deepEqual(calls.resolveComment, [
      ["c2", { version: 4, resolved: true }],
      ["c3", { version: 1, resolved: false }],
    ]);
    assert.equal(changed, 2);
    assert.ok(first);
  });

  it("replies to a comment", async () => {
    const calls = stub(api, { addComment: async () => ({}) });
    let changed = 0;
    render(
      <CommentList
        comments={COMMENTS}
        canWrite
        versionId="v7"
        onPlay={() => {}}
        onChange={() => changed++}
      />,
    );
    const first = screen.getAllByRole("listitem")[0];
    await userEvent.click(within(first).getByRole("button", { name: "Reply" }));
    await userEvent.type(screen.getByLabelText("Reply to Pat Producer"), "Pulled it 1 dB");
    await userEvent.click(screen.getByRole("button", { name: "Send reply" }));
    assert.deepEqual(calls.addComment, [["v7", { body: "Pulled it 1 dB", parentId: "c1" }]]);
    assert.equal(changed, 1);
    assert.equal(screen.queryByLabelText("Reply to Pat Producer"), null);
  });

  it("shows the server's refusal", async () => {
    stub(api, {
      resolveComment: async () => {
        throw new Error("comment c1 was changed by someone else");
      },
    });
    render(<CommentList comments={COMMENTS} canWrite versionId="v1" onPlay={() => {}} onChange={() => {}} />);
    await userEvent.click(screen.getAllByRole("button", { name: "Resolve" })[0]);
    await screen.findByText("comment c1 was changed by someone else");
  });

  it("offers no resolve or reply to those who may not comment", () => {
    render(
      <CommentList
        comments={COMMENTS}
        canWrite={false}
        versionId="v1"
        onPlay={() => {}}
        onChange={() => {}}
      />,
    );
    assert.equal(screen.queryByRole("button", { name: /Resolve|Reopen|Reply/ }), null);
  });

  it("says when there are none", () => {
    render(<CommentList comments={[]} canWrite versionId="v1" onPlay={() => {}} onChange={() => {}} />);
    screen.getByText("No comments on this version yet.");
  });
});
