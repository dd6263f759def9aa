/**
 * Accounts and sessions. A session is a random token (256 bits) given once to the client — in an http-only
 * cookie for browsers, or as a bearer token for scripts; the database keeps only its sha256.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { z } from "zod";
import type { Actor, Studio } from "../context.ts";
import { conflict, parseInput, StudioError, unauthenticated } from "../errors.ts";
import {
  admitLoginAttempt,
  clearLoginFailures,
  DEFAULT_LOGIN_LIMIT,
  knownDeviceOwner,
  type LoginLimit,
  rememberDevice,
} from "./login-limit.ts";
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from "./passwords.ts";

/** Sign-up input. */
export const RegisterInput = z.object({
  email: z
    .email()
    .max(254)
    .transform((e) => e.toLowerCase()),
  name: z.string().trim().min(1).max(200),
  password: z.string().min(10, "must be at least 10 characters").max(1000),
});
/** Sign-in input. */
export const LoginInput = z.object({
  email: z
    .string()
    .min(1)
    .max(254)
    .transform((e) => e.toLowerCase()),
  password: z.string().min(1).max(1000),
});

/** A user as others see them. */
export interface User {
  id: string;
  email: string;
  name: string;
}

/** Session lifetimes: browser cookies 30 days, script tokens 365 days. */
const LIFETIME_MS = { cookie: 30 * 86400e3, token: 365 * 86400e3 } as const;

const sha256 = (t: string) => createHash("sha256").update(t).digest("hex");

/** Creates an account. 409 when the e-mail is taken. */
export async function register(s: Studio, input: unknown): Promise<User> {
  const { email, name, password } = parseInput(RegisterInput, input);
  const hash = await hashPassword(password);
  const id = randomUUID();
  const row = await s.db
    .insertInto("users")
    .values({ id, email, name, password_hash: hash })
    .onConflict((oc) => oc.column("email").doNothing())
    .returning(["id", "email", "name"])
    .executeTakeFirst();
  if (!row) throw conflict(`email: ${email} is already registered`);
  return row;
}

/** Where a sign-in comes from, for the per-account limit (login-limit.ts). */
export interface LoginFrom {
  /** The device cookie the client sent, if any: a device the account signed in from before passes the lock. */
  device?: string;
  /** The per-account limit (default {@link DEFAULT_LOGIN_LIMIT}). */
  limit?: LoginLimit;
}

/**
 * Checks e-mail and password and opens a session. Failed attempts count against the account (429 while it
 * is locked), except from a device the account has signed in from before.
 * @returns the session token (shown once), the user, and (for cookie sessions) the device token to keep in
 *   the device cookie.
 */
export async function login(
  s: Studio,
  input: unknown,
  kind: "cookie" | "token" = "cookie",
  label: string | null = null,
  from: LoginFrom = {},
): Promise<{ token: string; user: User; expiresAt: Date; device?: string }> {
  const { email, password } = parseInput(LoginInput, input);
  const limit = from.limit ?? DEFAULT_LOGIN_LIMIT;
  const u = await s.db.selectFrom("users").selectAll().where("email", "=", email).executeTakeFirst();
  const knownDevice = u !== undefined && (await knownDeviceOwner(s, from.device)) === u.id;
  if (!knownDevice) await admitLoginAttempt(s, email, limit);
  // Spend the same time whether or not the e-mail exists, so timing does not reveal accounts.
  const ok = await verifyPassword(password, u?.password_hash ?? (await DUMMY_HASH_PROMISE));
  if (!u || !ok) throw new StudioError(401, "bad_credentials", "email or password is wrong");
  if (!knownDevice) await clearLoginFailures(s, email, limit);
  // Browsers keep a device cookie; scripts' tokens are not devices.
  const device = kind === "cookie" ? await rememberDevice(s, u.id, from.device) : undefined;
  const { token, expiresAt } = await openSession(s, u.id, kind, label);
  return { token, user: { id: u.id, email: u.email, name: u.name }, expiresAt, device };
}

/** Opens a session for a user (used by login and by tools that mint script tokens). */
export async function openSession(
  s: Studio,
  userId: string,
  kind: "cookie" | "token",
  label: string | null = null,
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + LIFETIME_MS[kind]);
  await s.db
    .insertInto("sessions")
    .values({ token_hash: sha256(token), user_id: userId, kind, label, expires_at: expiresAt })
    .execute();
  return { token, expiresAt };
}

/** Resolves a session token to the actor. 401 when unknown or expired. */
export async function authenticate(s: Studio, token: string | undefined): Promise<Actor & { user: User }> {
  if (!token) throw unauthenticated();
  const row = await s.db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .select(["users.id", "users.email", "users.name", "sessions.expires_at"])
    .where("sessions.token_hash", "=", sha256(token))
    .executeTakeFirst();
  if (!row || row.expires_at.getTime() < Date.now()) throw unauthenticated("session expired or unknown");
  return { userId: row.id, user: { id: row.id, email: row.email, name: row.name } };
}

/** Ends a session (logout). */
export async function logout(s: Studio, token: string): Promise<void> {
  await s.db.deleteFrom("sessions").where("token_hash", "=", sha256(token)).execute();
}

/** Looks a user up by e-mail (404 when unknown). */
export async function userByEmail(s: Studio, email: string): Promise<User> {
  const u = await s.db
    .selectFrom("users")
    .select(["id", "email", "name"])
    .where("email", "=", email.toLowerCase())
    .executeTakeFirst();
  if (!u) throw new StudioError(404, "not_found", `email: no account for ${email}`);
  return u;
}

/** Reads the actor's own account. */
export async function me(s: Studio, actor: Actor): Promise<User> {
  const u = await s.db
    .selectFrom("users")
    .select(["id", "email", "name"])
    .where("id", "=", actor.userId)
    .executeTakeFirst();
  if (!u) throw unauthenticated();
  return u;
}
