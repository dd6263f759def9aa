import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { api } from "../api.ts";
import { fireEvent, render, screen, userEvent, waitFor, within } from "../testing/render.tsx";
import { stub } from "../testing/stub.ts";
import { ActivityFeed } from "./ActivityFeed.tsx";
import { StageBoard } from "./StageBoard.tsx";
import { Team } from "./Team.tsx";

const SONGS = [
  {
    id: "s1",
    title: "City Hums",
    position: 1,
    status: "tracking",
    openComments: 2,
    openTasks: 1,
    latestVersion: { kind: "mix", number: 3, approvalState: "needs_changes" },
  },
  {
    id: "s2",
    title: "Night Bus",
    position: 2,
    status: "idea",
    openComments: 0,
    openTasks: 0,
    latestVersion: null,
  },
];
const COUNTS = { idea: 1, tracking: 1 };

function board(canMove: boolean, moves: [string, string][] = []) {
  return render(
    <StageBoard
      songs={SONGS}
      counts={COUNTS}
      canMove={canMove}
      canAdd={canMove}
      projectId="p1"
      onMove={(id, stage) => moves.push([id, stage])}
      onAdded={() => {}}
    />,
  );
}

describe("StageBoard", () => {
  it("puts each song in its stage's column with its counts and latest version", () => {
    board(true);
    const tracking = screen.getByRole("listitem", { name: "Stage tracking" });
    within(tracking).getByRole("link", { name: "City Hums" });
    within(tracking).getByText("2 open comments · 1 tasks · mix v3 needs changes");
    within(screen.getByRole("listitem", { name: "Stage idea" })).getByRole("link", { name: "Night Bus" });
    assert.equal(within(screen.getByRole("listitem", { name: "Stage mixing" })).queryByRole("link"), null);
  });

  it("moves a song with its card's menu", async () => {
    const moves: [string, string][] = [];
    board(true, moves);
    await userEvent.selectOptions(screen.getByLabelText("Move “City Hums” to"), "mixing");
    assert.deepEqual(moves, [["s1", "mixing"]]);
  });

  it("moves a song dropped on another column", async () => {
    const moves: [string, string][] = [];
    board(true, moves);
    const card = document.querySelector('[data-song="Night Bus"]') as HTMLElement;
    assert.equal(card.getAttribute("draggable"), "true");
    const data = new Map<string, string>();
    const dataTransfer = {
      setData: (k: string, v: string) => data.set(k, v),
      getData: (k: string) => data.get(k) ?? "",
    };
    fireEvent.dragStart(card, { dataTransfer });
    fireEvent.drop(screen.getByRole("listitem", { name: "Stage tracking" }), { dataTransfer });
    assert.deepEqual(moves, [["s2", "tracking"]]);
  });

  it("gives those who may not move songs nothing to drag and no menu", () => {
    board(false);
    assert.equal(document.querySelectorAll('[draggable="true"]').length, 0);
    assert.equal(screen.queryByLabelText(/^Move “/), null);
    assert.equal(screen.queryByLabelText("New song title"), null);
  });

  it("adds a song with its tempo", async () => {
    const calls = stub(api, { createSong: async () => ({}) });
    let added = 0;
    render(
      <StageBoard
        songs={[]}
        counts={{}}
        canMove
        canAdd
        projectId="p1"
        onMove={() => {}}
        onAdded={() => added++}
      />,
    );
    await userEvent.type(screen.getByLabelText("New song title"), "Low Tide");
    await userEvent.type(screen.getByLabelText("Tempo (BPM)"), "96");
    await userEvent.click(screen.getByRole("button", { name: "Add song" }));
    await waitFor(() => assert.equal(added, 1));
    assert.deepEqual(calls.createSong, [["p1", { title: "Low Tide", tempoBpm: 96 }]]);
    assert.equal((screen.getByLabelText("New song title") as HTMLInputElement).value, "");
  });
});

describe("Team", () => {
  const TEAM = [
    { userId: "u1", name: "Pat Producer", email: "pat@example.com", roles: ["producer"] },
    { userId: "u2", name: "Eve Engineer", email: "eve@example.com", roles: ["engineer"] },
  ];

  it("lists members with their roles", () => {
    render(<Team projectId="p1" team={TEAM} canManage={false} onChange={() => {}} />);
    screen.getByText(/Eve Engineer/);
    screen.getByText(/— engineer$/);
    assert.equal(screen.queryByLabelText("Invite by e-mail"), null);
  });

  it("invites someone with an account by e-mail with a role (the server keeps their other roles)", async () => {
    const calls = stub(api, {
      invitations: async () => [],
      invite: async () => ({ status: "added", team: TEAM }),
    });
    let changed = 0;
    render(<Team projectId="p1" team={TEAM} canManage onChange={() => changed++} />);
    await userEvent.type(screen.getByLabelText("Invite by e-mail"), "Eve@example.com");
    await userEvent.selectOptions(screen.getByLabelText("Role"), "mixing_engineer");
    await userEvent.click(screen.getByRole("button", { name: "Invite" }));
    await screen.findByText("Invited Eve@example.com as mixing engineer.");
    assert.deepEqual(calls.invite, [["p1", { email: "Eve@example.com", roles: ["mixing_engineer"] }]]);
    assert.equal(changed, 1);
  });

  it("invites someone without an account: a pending invitation and the link to send them", async () => {
    const invitation = {
      id: "i1",
      projectId: "p1",
      email: "new@example.com",
      roles: ["engineer"],
      invitedByName: "Pat Producer",
      createdAt: "2025-03-01T12:00:00Z",
    };
    let pending: (typeof invitation)[] = [];
    const calls = stub(api, {
      invitations: async () => pending,
      invite: async () => {
        pending = [invitation];
        return { status: "pending", invitation, token: "tok en" };
      },
      cancelInvitation: async () => {
        pending = [];
        return { ok: true };
      },
    });
    render(<Team projectId="p1" team={TEAM} canManage onChange={() => {}} />);
    await userEvent.type(screen.getByLabelText("Invite by e-mail"), "new@example.com");
    await userEvent.click(screen.getByRole("button", { name: "Invite" }));
    await screen.findByText(
      /^new@example\.com has no account yet: invited as engineer\. Send them this link/,
    );
    const link = screen.getByLabelText("Invitation link") as HTMLInputElement;
    assert.equal(link.value, `${window.location.origin}/?invite=tok%20en`);
    const list = await screen.findByRole("list", { name: "Pending invitations" });
    within(list).getByText(/new@example\.com — engineer/);
    await userEvent.click(within(list).getByRole("button", { name: "Cancel invitation" }));
    await screen.findByText("Cancelled the invitation to new@example.com.");
    assert.deepEqual(calls.cancelInvitation, [["i1"]]);
    await waitFor(() => assert.equal(screen.queryByRole("list", { name: "Pending invitations" }), null));
  });

  it("shows the server's refusal", async () => {
    stub(api, {
      invitations: async () => [],
      invite: async () => {
        throw new Error("roles.0: Invalid option");
      },
    });
    render(<Team projectId="p1" team={TEAM} canManage onChange={() => {}} />);
    await userEvent.type(screen.getByLabelText("Invite by e-mail"), "new@example.com");
    await userEvent.click(screen.getByRole("button", { name: "Invite" }));
    await screen.findByText("roles.0: Invalid option");
  });
});

describe("ActivityFeed", () => {
  const names = {
    songs: new Map([["s1", "City Hums"]]),
    people: new Map([["u-eve", "Eve Engineer"]]),
    currency: "EUR",
  };
  const entry = (action: string, detail: Record<string, unknown> = {}, subjectId: string | null = null) => ({
    id: Math.random(),
    actorId: "u1",
    actorName: "Pat Producer",
    action,
    subjectId,
    detail,
    at: "2025-03-01T14:05:00Z",
  });

  it("lists who did what, at most 15", () => {
    const entries = Array.from({ length: 20 }, (_, i) => ({
      ...entry("song.status", { from: "idea", to: "pre_production" }, "s1"),
      id: i,
      actorName: i === 0 ? null : "Pat Producer",
    }));
    render(<ActivityFeed entries={entries} names={names} />);
    const items = screen.getAllByRole("listitem");
    assert.equal(items.length, 15);
    assert.match(items[0].textContent ?? "", /The studio moved “City Hums” from idea to pre production\.$/);
    assert.match(items[1].textContent ?? "", /Pat Producer moved “City Hums” from idea to pre production\.$/);
  });

  it("says what happened in words, never the raw event name", () => {
    const entries = [
      entry("credits.set", { count: 3 }, "s1"),
      entry("mix.upload", { songId: "s1", number: 2 }),
      entry("approval", { songId: "s1", state: "approved", note: "Ship it" }),
      entry("budget.invoice", { category: "studio", amountMinor: 40000 }),
      entry("team.roles", { before: [], after: ["engineer"] }, "u-eve"),
      entry("booking.cancel", { fee: "50.00 EUR" }),
    ];
    render(<ActivityFeed entries={entries} names={names} />);
    const text = screen
      .getAllByRole("listitem")
      .map((li) => li.textContent?.replace(/^.*?Pat Producer /, ""));
    assert.deepEqual(text, [
      "set the credits of “City Hums” (3).",
      "uploaded mix v2 of “City Hums”.",
      "approved a version of “City Hums”: “Ship it”.",
      "recorded a studio invoice of 400.00 EUR.",
      "made Eve Engineer engineer.",
      "cancelled a booking (fee 50.00 EUR).",
    ]);
    for (const li of screen.getAllByRole("listitem"))
      assert.doesNotMatch(li.textContent ?? "", /[a-z]\.[a-z]/);
  });

  it("shows times on a 24-hour clock", () => {
    render(<ActivityFeed entries={[entry("credits.set", {}, "s1")]} names={names} />);
    const shown = screen.getByRole("listitem").textContent ?? "";
    assert.doesNotMatch(shown, /\b(AM|PM)\b/);
    const local = new Date("2025-03-01T14:05:00Z");
    const hh = String(local.getHours()).padStart(2, "0");
    assert.match(shown, new RegExp(`${hh}:05`));
  });
});
