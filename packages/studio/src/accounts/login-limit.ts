/**
 * The per-account sign-in limit: after a few failed sign-ins for one e-mail, from any number of addresses,
 * the account is locked for a short while that doubles with every further failure (up to a cap), so an
 * account cannot be guessed faster than about one password per lock however many addresses try. The lock
 * counts an attempt when it is admitted (before the password is checked), in one statement, so attempts
 * sent in parallel cannot slip past it. A successful sign-in clears it; a day without attempts forgets it.
 *
 * A stranger can keep an account locked, but not its owner out: a browser the owner has signed in from
 * before carries a device cookie (random, kept as its sha256 with the account) and signs in through the
 * lock. Unknown e-mails are limited exactly like known ones, so the answers do not reveal which exist.
 */
import { createHash, randomBytes } from "node:crypto";
import { sql } from "kysely";
import type { Studio } from "../context.ts";
import { StudioError } from "../errors.ts";

/** How the per-account limit behaves. */
export interface LoginLimit {
  /** Failed sign-ins allowed before the first lock (default 5). */
  freeFailures: number;
  /** The first lock, in milliseconds (default 30 s); each further failure doubles it. */
  firstLockMs: number;
  /** The longest lock, in milliseconds (default 15 min). */
  maxLockMs: number;
  /** Quiet time after which failures are forgotten, in milliseconds (default 24 h). */
  forgetAfterMs: number;
  /** The clock, in milliseconds since the epoch (tests move it). */
  now: () => number;
}

/** The defaults: 5 free failures, then 30 s, 1 min, 2 min … up to 15 min; forgotten after a quiet day. */
export const DEFAULT_LOGIN_LIMIT: LoginLimit = {
  freeFailures: 5,
  firstLockMs: 30_000,
  maxLockMs: 15 * 60_000,
  forgetAfterMs: 24 * 3600_000,
  now: () => Date.now(),
};

const sha256 = (t: string) => createHash("sha256").update(t).digest("hex");

/** 429 while an account is locked; `retryAfterSeconds` says for how long. */
export function accountLocked(email: string, retryAfterSeconds: number): StudioError {
  return new StudioError(
    429,
    "account_locked",
    `email: too many failed sign-ins for ${email}; try again in ${retryAfterSeconds} s, or sign in from a device you have used before`,
    { retryAfterSeconds },
  );
}

/**
 * Counts one sign-in attempt for `email` against the limit, or refuses it with 429 when the account is
 * locked. Call before checking the password; call {@link clearLoginFailures} when it was right.
 */
export async function admitLoginAttempt(s: Studio, email: string, limit: LoginLimit): Promise<void> {
  const now = limit.now();
  const at = new Date(now).toISOString();
  const forgetBefore = new Date(now - limit.forgetAfterMs).toISOString();
  const firstLock = limit.freeFailures <= 1 ? new Date(now + limit.firstLockMs).toISOString() : null;
  // The failure count after this attempt (a quiet day starts it again at 1).
  const n = sql`(case when f.last_attempt_at < ${forgetBefore}::timestamptz then 1 else f.failures + 1 end)`;
  const admitted = await sql<{ failures: number }>`
    insert into login_failures as f (email, failures, last_attempt_at, locked_until)
    values (${email}, 1, ${at}::timestamptz, ${firstLock}::timestamptz)
    on conflict (email) do update set
      failures = ${n},
      last_attempt_at = ${at}::timestamptz,
      locked_until = case when ${n} >= ${limit.freeFailures}::integer
        then ${at}::timestamptz + least(${limit.maxLockMs}::double precision,
          ${limit.firstLockMs}::double precision * power(2, ${n} - ${limit.freeFailures}::integer))
          * interval '1 millisecond'
        else null end
    where f.locked_until is null or f.locked_until <= ${at}::timestamptz
    returning failures`.execute(s.db);
  if (admitted.rows.length) return;
  const row = await s.db
    .selectFrom("login_failures")
    .select("locked_until")
    .where("email", "=", email)
    .executeTakeFirst();
  const until = row?.locked_until?.getTime() ?? now;
  throw accountLocked(email, Math.max(1, Math.ceil((until - now) / 1000)));
}

/** Forgets an account's failed sign-ins (after a right password from a device without the lock). */
export async function clearLoginFailures(s: Studio, email: string, limit: LoginLimit): Promise<void> {
  await s.db.deleteFrom("login_failures").where("email", "=", email).execute();
  // Rows for e-mails nobody tried for a day are of no use any more.
  await s.db
    .deleteFrom("login_failures")
    .where("last_attempt_at", "<", new Date(limit.now() - limit.forgetAfterMs))
    .execute();
}

/** The account a device cookie belongs to, or null when it is unknown (or missing). */
export async function knownDeviceOwner(s: Studio, device: string | undefined): Promise<string | null> {
  if (!device || device.length > 200) return null;
  const row = await s.db
    .selectFrom("known_devices")
    .select("user_id")
    .where("token_hash", "=", sha256(device))
    .executeTakeFirst();
  return row?.user_id ?? null;
}

/**
 * Remembers the device an account just signed in from. Keeps the device's token when it already belongs
 * to this account; otherwise mints a new one (256 random bits). @returns the token for the device cookie.
 */
export async function rememberDevice(s: Studio, userId: string, device: string | undefined): Promise<string> {
  if (device && (await knownDeviceOwner(s, device)) === userId) {
    await s.db
      .updateTable("known_devices")
      .set({ last_seen_at: new Date() })
      .where("token_hash", "=", sha256(device))
      .execute();
    return device;
  }
  const token = randomBytes(32).toString("base64url");
  await s.db
    .insertInto("known_devices")
    .values({ token_hash: sha256(token), user_id: userId })
    .execute();
  return token;
}
