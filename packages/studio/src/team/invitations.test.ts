/**
 * Invitations for people without an account: a pending invitation, accepted by registering through its
 * link with the invited e-mail; permissions as for the team (producers invite, list, cancel).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { register } from "../accounts/accounts.ts";
import { listAudit } from "../audit/audit.ts";
import type { Studio } from "../context.ts";
import { listTeam } from "../projects/projects.ts";
import { listWorkspaces } from "../projects/workspaces.ts";
import {
  DATABASES,
  openTestStudio,
  seedTeam,
  type TeamFixture,
  type TestStudio,
} from "../testing/test-studio.ts";
import {
  acceptInvitation,
  cancelInvitation,
  checkInvitation,
  inviteToProject,
  listInvitations,
  previewInvitation,
} from "./invitations.ts";

const PASSWORD = "correct horse battery";

for (const kind of DATABASES) {
  describe(`invitations on ${kind}`, () => {
    let t: TestStudio;
    let s: Studio;
    let team: TeamFixture;
    before(async () => {
      t = await openTestStudio(kind);
      s = t.studio;
      team = await seedTeam(s);
    });
    after(() => t.cleanup());

    test("someone without an account: a pending invitation, accepted by registering through its link", async () => {
      const { producer } = team.actors;
      const email = `Nia.${Date.now()}@Example.com`;
      const r = await inviteToProject(s, producer, team.projectId, { email, roles: ["mixing_engineer"] });
      assert.equal(r.status, "pending");
      if (r.status !== "pending") return;
      assert.equal(r.invitation.email, email.toLowerCase());
      assert.deepEqual(r.invitation.roles, ["mixing_engineer"]);
      assert.ok(r.token.length >= 32);
      assert.deepEqual(
        (await listInvitations(s, producer, team.projectId)).map((i) => i.email),
        [email.toLowerCase()],
      );
      assert.deepEqual(await previewInvitation(s, r.token), {
        projectTitle: "Record",
        email: email.toLowerCase(),
        roles: ["mixing_engineer"],
        invitedByName: "producer",
      });
      // Only with the invited address.
      await assert.rejects(checkInvitation(s, r.token, "someone.else@example.com"), (e: Error) =>
        /^email: the invitation is for /.test(e.message),
      );
      await checkInvitation(s, r.token, email);
      const user = await register(s, { email, name: "Nia", password: PASSWORD });
      await acceptInvitation(s, user, r.token);
      const members = await listTeam(s, producer, team.projectId);
      assert.deepEqual(members.find((m) => m.userId === user.id)?.roles, ["mixing_engineer"]);
      // In the workspace too, so the project is listed for them.
      assert.ok((await listWorkspaces(s, { userId: user.id })).some((w) => w.id === team.workspaceId));
      assert.deepEqual(await listInvitations(s, producer, team.projectId), []);
      // The link works once.
      await assert.rejects(previewInvitation(s, r.token), { status: 404 });
      await assert.rejects(acceptInvitation(s, user, r.token), { status: 404 });
      const log = await listAudit(s, producer, team.projectId);
      assert.ok(log.some((a) => a.action === "invitation.accept" && a.actorId === user.id));
      assert.ok(log.some((a) => a.action === "invitation.create" && a.actorId === producer.userId));
    });

    test("someone with an account joins at once, keeping the roles they had", async () => {
      const { producer, engineer } = team.actors;
      const me = (await listTeam(s, producer, team.projectId)).find((m) => m.userId === engineer.userId);
      assert.ok(me);
      const r = await inviteToProject(s, producer, team.projectId, { email: me.email, roles: ["artist"] });
      assert.equal(r.status, "added");
      const after = (await listTeam(s, producer, team.projectId)).find((m) => m.userId === engineer.userId);
      assert.deepEqual(after?.roles.sort(), ["artist", "engineer"]);
    });

    test("only those who manage the team invite, list and cancel; a cancelled or replaced link is dead", async () => {
      const { producer, engineer, outsider } = team.actors;
      const email = `late.${Date.now()}@example.com`;
      for (const who of [engineer, outsider]) {
        await assert.rejects(inviteToProject(s, who, team.projectId, { email, roles: ["producer"] }), {
          status: 403,
        });
        await assert.rejects(listInvitations(s, who, team.projectId), { status: 403 });
      }
      await assert.rejects(inviteToProject(s, producer, team.projectId, { email, roles: [] }), (e: Error) =>
        /^roles: /.test(e.message),
      );
      await assert.rejects(
        inviteToProject(s, producer, team.projectId, { email, roles: ["boss"] }),
        (e: Error) => /^roles\.0: /.test(e.message),
      );
      const first = await inviteToProject(s, producer, team.projectId, { email, roles: ["viewer"] });
      const second = await inviteToProject(s, producer, team.projectId, { email, roles: ["artist"] });
      assert.ok(first.status === "pending" && second.status === "pending");
      if (first.status !== "pending" || second.status !== "pending") return;
      await assert.rejects(previewInvitation(s, first.token), { status: 404 });
      assert.deepEqual(
        (await listInvitations(s, producer, team.projectId)).map((i) => i.roles),
        [["artist"]],
      );
      await assert.rejects(cancelInvitation(s, engineer, second.invitation.id), { status: 403 });
      await cancelInvitation(s, producer, second.invitation.id);
      await assert.rejects(previewInvitation(s, second.token), (e: Error) => /^invite: /.test(e.message));
      const user = await register(s, { email, name: "Late", password: PASSWORD });
      await assert.rejects(acceptInvitation(s, user, second.token), { status: 404 });
      assert.equal(
        (await listTeam(s, producer, team.projectId)).find((m) => m.userId === user.id),
        undefined,
      );
    });
  });
}
