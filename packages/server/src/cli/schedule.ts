/** `booking add`: the schedule. */
import * as S from "@controlroom/studio";
import type { Command } from "commander";
import { type StudioCliOptions, withStudio, withStudioOptions } from "./studio-options.ts";

/** Registers it on a commander program. */
export function bookingCommands(program: Command): void {
  withStudioOptions(
    program
      .command("booking")
      .description("Schedule")
      .command("add <projectId>")
      .description("Book a room and/or people; a clash names the conflicting booking")
      .requiredOption("--title <text>")
      .requiredOption("--start <iso>", "start, ISO 8601 with offset, e.g. 2027-03-01T10:00:00+01:00")
      .requiredOption("--end <iso>", "end, ISO 8601 with offset")
      .option("--tz <zone>", "IANA time zone for display", Intl.DateTimeFormat().resolvedOptions().timeZone)
      .option("--room <roomId>", "room id")
      .option("--person <email...>", "people to book (e-mails)")
      .option("--confirm", "confirmed instead of a hold"),
  ).action(
    async (
      projectId: string,
      o: StudioCliOptions & {
        title: string;
        start: string;
        end: string;
        tz: string;
        room?: string;
        person?: string[];
        confirm?: boolean;
      },
    ) =>
      withStudio(o, async (s, actor) => {
        const people = await Promise.all((o.person ?? []).map(async (e) => (await S.userByEmail(s, e)).id));
        const b = await S.createBooking(s, actor, projectId, {
          title: o.title,
          roomId: o.room,
          people,
          status: o.confirm ? "confirmed" : "hold",
          startsAt: o.start,
          endsAt: o.end,
          timeZone: o.tz,
        });
        console.log(
          `booked ${b.id}: ${b.title} ${b.localStart}–${b.localEnd} ${b.timeZone} [${b.status}] cost ${S.formatMoney(b.costMinor, (await S.getProject(s, actor, projectId)).currency)}`,
        );
      }),
  );
}
