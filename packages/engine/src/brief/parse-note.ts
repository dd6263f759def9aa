/**
 * Understanding a producer's note, deterministically: "warmer and punchier drums, vocal a bit more forward,
 * less reverb on the keys" becomes requests (target, descriptor, direction, amount). Targets resolve against
 * the session's track and bus names, then roles (drums → the drum tracks or a drum bus). Every word that is
 * neither a known term nor filler is reported with the nearest known terms; the known parts still apply.
 */
import type { Session } from "../session/schema.ts";
import {
  AMOUNT_WORDS,
  type Descriptor,
  descriptorWords,
  FILLER_WORDS,
  LESS_WORDS,
  MORE_WORDS,
  RELATED_WORDS,
  ROLES,
} from "./lexicon.ts";

/** The session document a note is parsed against. */
export type SessionDocument = Session;

/** What a request acts on. */
export interface BriefTarget {
  /** `track` or `bus` (one strip), `group` (several tracks of one role without a bus of their own), `mix`. */
  kind: "track" | "bus" | "group" | "mix";
  /** Track or bus id; the role name for a group; `mix` for the mix. */
  id: string;
  /** How the note and the session call it. */
  name: string;
  /** The tracks it covers (all of them for the mix). */
  trackIds: string[];
}

/** One thing a note asks for. */
export interface BriefRequest {
  target: BriefTarget;
  /** Canonical descriptor name (lexicon.ts), or `reference` for "like that record". */
  descriptor: string;
  direction: "more" | "less";
  /** Size of the request: 1 for a plain "warmer", 0.4 for "a touch", 1.8 for "way more". */
  amount: number;
  /** The words of the note it came from. */
  text: string;
}

/** A word the parser did not understand, with the nearest known terms. */
export interface NotUnderstood {
  word: string;
  suggestions: string[];
  /** `target`: it stands where a track or bus should be (the request it belongs to was dropped). */
  kind: "word" | "target";
}

export interface ParsedNote {
  requests: BriefRequest[];
  notUnderstood: NotUnderstood[];
  /** An arrangement section the note names ("bridge vocal"), if any. */
  section?: string;
}

/** The pseudo-descriptor of "like that record": match a reference. */
export const REFERENCE_DESCRIPTOR = "reference";

const REFERENCE_WORDS = new Set([
  "reference",
  "ref",
  "record",
  "that record",
  "the record",
  "reference track",
]);
const SECTION_WORDS = [
  "intro",
  "verse",
  "verses",
  "chorus",
  "choruses",
  "bridge",
  "outro",
  "pre-chorus",
  "prechorus",
  "breakdown",
  "hook",
  "drop",
  "solo",
  "middle eight",
  "middle 8",
];
const EXTRA_FILLER = new Set([
  "thanks",
  "thank",
  "please",
  "ok",
  "okay",
  "great",
  "nice",
  "love",
  "good",
  "everywhere",
  "throughout",
  "so",
  "bit",
  "little",
  "more-or-less",
  "lot",
  "tad",
  "touch",
  "hair",
  "how",
  "about",
  "what",
  "if",
  "match",
  "towards",
  "toward",
  "turn",
  "bring",
  "push-back",
  "take",
  "put",
  "one",
  "too-much",
  "much",
  "sounds",
  "way",
]);
const UP_WORDS = new Set(["up", "higher", "raise", "louder-please"]);
const DOWN_WORDS = new Set(["down", "lower"]);

type Item =
  | { t: "amount"; factor: number; text: string }
  | { t: "dir"; dir: "more" | "less"; too: boolean; text: string }
  | { t: "updown"; dir: "more" | "less"; text: string }
  | { t: "db"; value: number; text: string }
  | { t: "desc"; d: Descriptor; dir: "more" | "less"; comparative: boolean; text: string }
  | { t: "target"; target: BriefTarget | null; text: string; roleMissing?: boolean }
  | { t: "reference"; text: string }
  | { t: "section"; name: string }
  | { t: "unknown"; word: string };

interface Phrase {
  tokens: string[];
  make: () => Item;
}

/**
 * Parses a note against a session.
 * @param note the producer's words (English).
 * @param session the session whose tracks and buses the targets resolve against.
 */
export function parseNote(note: string, session: SessionDocument): ParsedNote {
  const phrases = buildPhrases(session);
  const known = knownTerms(session);
  const notUnderstood: NotUnderstood[] = [];
  const requests: BriefRequest[] = [];
  let section: string | undefined;
  let clauseTarget: BriefTarget[] | null = null;
  const text = note.toLowerCase().replace(/[’‘`]/g, "'").replace(/[“”"]/g, " ");
  const clauseTexts = text.split(/[,;.!?:\n()]+|\s(?:but|then|also|plus)\s|\s-\s/);
  const clauseItems = clauseTexts.map((c) =>
    c.split(/\s(?:and|&|\+|while|with)\s/).map((sg) => matchItems(tokenize(sg), phrases)),
  );
  // "warmer, punchier drums": a clause of descriptors only, followed by one that starts with a descriptor,
  // is part of that clause (a list of adjectives before its target).
  const clauses: Item[][][] = [];
  for (let i = 0; i < clauseItems.length; i++) {
    const c = clauseItems[i];
    const onlyWords = c.every((sg) =>
      sg.every((it) => it.t === "desc" || it.t === "dir" || it.t === "amount"),
    );
    const next = clauseItems[i + 1]?.[0];
    const nextStartsWithWord =
      next?.length &&
      next[0].t !== "target" &&
      next[0].t !== "section" &&
      next.some((it) => it.t === "target");
    if (onlyWords && c.some((sg) => sg.length) && nextStartsWithWord) {
      clauseItems[i + 1] = [...c, ...clauseItems[i + 1]];
      continue;
    }
    clauses.push(c);
  }
  for (const segs of clauses) {
    for (const items of segs) for (const it of items) if (it.t === "section") section = it.name;
    const built = segs.map((items) => buildRequests(items));
    // Targets: a segment without one borrows the next segment's (warmer and punchier drums), else the
    // previous one's (vocal more forward and less harsh), else the previous clause's, else the mix.
    for (let i = 0; i < built.length; i++) {
      const b = built[i];
      if (b.targets.length || b.reqs.length === 0) continue;
      if (b.unknown.length) continue;
      const next = built.slice(i + 1).find((x) => x.targets.length);
      const prev = [...built.slice(0, i)].reverse().find((x) => x.targets.length);
      b.targets = next?.targets ?? prev?.targets ?? clauseTarget ?? [];
      b.borrowed = true;
    }
    // A segment naming only a target joins the requests of its neighbour (drums and bass tighter).
    for (let i = 0; i < built.length; i++) {
      const b = built[i];
      if (!b.targets.length || b.reqs.length) continue;
      const next = built.slice(i + 1).find((x) => x.reqs.length);
      const prev = [...built.slice(0, i)].reverse().find((x) => x.reqs.length && !x.borrowed);
      if (next) next.targets = [...b.targets, ...(next.borrowed ? [] : next.targets)];
      else if (prev) prev.targets = [...prev.targets, ...b.targets];
      if (next) next.borrowed = false;
    }
    for (const b of built) {
      for (const u of b.missingRoles)
        notUnderstood.push({ ...u, suggestions: suggest(u.word, known, "target") });
      const noTarget = b.targets.length === 0 && b.missingRoles.length === 0;
      for (const w of b.unknown) {
        const related = RELATED_WORDS[w] ?? RELATED_WORDS[stem(w)];
        const asTarget = noTarget && (b.reqs.length > 0 || b.dangling) && !related;
        notUnderstood.push({
          word: w,
          suggestions: suggest(w, known, asTarget ? "target" : "any"),
          kind: asTarget ? "target" : "word",
        });
      }
      if (b.missingRoles.length && b.targets.length === 0) continue;
      if (b.unknown.length && noTarget && b.reqs.length) {
        const anyTargetWord = b.unknown.some((w) => !(RELATED_WORDS[w] ?? RELATED_WORDS[stem(w)]));
        if (anyTargetWord) continue;
      }
      const targets = b.targets.length ? b.targets : [mixTarget(session)];
      if (b.targets.length) clauseTarget = b.targets;
      for (const t of targets) for (const r of b.reqs) requests.push({ ...r, target: t });
    }
  }
  // One request per target and descriptor: the last one said wins.
  const seen = new Map<string, BriefRequest>();
  for (const r of requests) {
    const key = `${r.target.kind}:${r.target.id}:${r.descriptor}`;
    seen.delete(key);
    seen.set(key, r);
  }
  const out: ParsedNote = { requests: [...seen.values()], notUnderstood: dedupeUnknown(notUnderstood) };
  if (section) out.section = section;
  return out;
}

function dedupeUnknown(list: NotUnderstood[]): NotUnderstood[] {
  const m = new Map<string, NotUnderstood>();
  for (const u of list) if (!m.has(u.word) || u.kind === "target") m.set(u.word, u);
  return [...m.values()];
}

/** Words of a segment: letters, digits, apostrophes and hyphens; possessive 's dropped. */
function tokenize(s: string): string[] {
  const out: string[] = [];
  for (const m of s.matchAll(/[a-z0-9][a-z0-9'.-]*/g)) {
    let w = m[0].replace(/'s$/, "").replace(/[.'-]+$/, "");
    w = w.replace(/^'+/, "");
    const dbm = /^([+-]?\d+(?:\.\d+)?)db$/.exec(w);
    if (dbm) {
      out.push(dbm[1], "db");
      continue;
    }
    if (w) out.push(w);
  }
  return out;
}

/** Every multi-word or single-word term the parser knows, longest first at each position. */
function buildPhrases(session: SessionDocument): Map<string, Phrase[]> {
  const list: Phrase[] = [];
  const add = (text: string, make: () => Item) => {
    const tokens = text.split(/\s+/).filter(Boolean);
    if (tokens.length) list.push({ tokens, make });
  };
  // Track and bus names first: a track called "bass" is that track, not the bass role.
  const strips: { kind: "track" | "bus"; id: string; name: string }[] = [
    ...session.tracks.map((t) => ({ kind: "track" as const, id: t.id, name: t.name || t.id })),
    ...session.buses.map((b) => ({ kind: "bus" as const, id: b.id, name: b.name || b.id })),
  ];
  for (const s of strips) {
    const target = stripTarget(session, s.kind, s.id);
    for (const form of new Set([norm(s.name), norm(s.id)])) {
      add(form, () => ({ t: "target", target, text: form }));
      if (!form.endsWith("s")) add(`${form}s`, () => ({ t: "target", target, text: `${form}s` }));
    }
  }
  for (const role of ROLES) {
    for (const w of role.words) {
      add(w, () => {
        const target = resolveRole(session, role.name);
        return { t: "target", target, text: w, roleMissing: target === null };
      });
    }
  }
  for (const [w, v] of descriptorWords()) {
    add(w.replace(/-/g, " "), () => ({
      t: "desc",
      d: v.descriptor,
      dir: v.direction,
      comparative: isComparative(w),
      text: w,
    }));
    if (w.includes("-"))
      add(w, () => ({ t: "desc", d: v.descriptor, dir: v.direction, comparative: false, text: w }));
  }
  for (const a of AMOUNT_WORDS) add(a.words, () => ({ t: "amount", factor: a.factor, text: a.words }));
  // "way more", "a lot more": the amount, then "more".
  for (const w of MORE_WORDS)
    add(w.replace(/-/g, " "), () => ({ t: "dir", dir: "more", too: false, text: w }));
  for (const w of LESS_WORDS)
    add(w.replace(/-/g, " "), () => ({ t: "dir", dir: "less", too: w === "too", text: w }));
  add("not as", () => ({ t: "dir", dir: "less", too: false, text: "not as" }));
  add("not so", () => ({ t: "dir", dir: "less", too: false, text: "not so" }));
  add("too much", () => ({ t: "dir", dir: "less", too: true, text: "too much" }));
  add("get rid of", () => ({ t: "dir", dir: "less", too: false, text: "get rid of" }));
  add("pull back", () => ({ t: "dir", dir: "less", too: false, text: "pull back" }));
  add("back off", () => ({ t: "dir", dir: "less", too: false, text: "back off" }));
  add("push up", () => ({ t: "updown", dir: "more", text: "push up" }));
  for (const w of UP_WORDS) add(w, () => ({ t: "updown", dir: "more", text: w }));
  for (const w of DOWN_WORDS) add(w, () => ({ t: "updown", dir: "less", text: w }));
  for (const w of REFERENCE_WORDS) add(w, () => ({ t: "reference", text: w }));
  add("like the reference", () => ({ t: "reference", text: "like the reference" }));
  add("like that record", () => ({ t: "reference", text: "like that record" }));
  add("like the record", () => ({ t: "reference", text: "like the record" }));
  const sections = new Set([...SECTION_WORDS, ...session.sections.map((s) => s.name.toLowerCase())]);
  for (const w of sections) add(w, () => ({ t: "section", name: w }));
  const m = new Map<string, Phrase[]>();
  for (const p of list) {
    const k = p.tokens[0];
    if (!m.has(k)) m.set(k, []);
    m.get(k)!.push(p);
  }
  // Later additions of the same words do not override earlier ones (strip names come first).
  for (const v of m.values()) v.sort((a, b) => b.tokens.length - a.tokens.length);
  return m;
}

function matchItems(tokens: string[], phrases: Map<string, Phrase[]>): Item[] {
  const items: Item[] = [];
  for (let i = 0; i < tokens.length; ) {
    const w = tokens[i];
    const num = /^[+-]?\d+(?:\.\d+)?$/.test(w) ? Number(w) : null;
    if (num !== null && tokens[i + 1] === "db") {
      items.push({ t: "db", value: Math.abs(num), text: `${w} dB` });
      i += 2;
      continue;
    }
    const cands = phrases.get(w) ?? [];
    const hit = cands.find((p) => p.tokens.every((t, k) => tokens[i + k] === t));
    if (hit) {
      items.push(hit.make());
      i += hit.tokens.length;
      continue;
    }
    // Superlatives and comparatives not listed: "punchiest" → "punchy".
    const base = stem(w);
    const baseHit = base !== w ? (phrases.get(base) ?? []).find((p) => p.tokens.length === 1) : undefined;
    if (baseHit) {
      const it = baseHit.make();
      if (it.t === "desc") it.comparative = true;
      items.push(it);
      i++;
      continue;
    }
    if (num !== null || FILLER_WORDS.has(w) || EXTRA_FILLER.has(w) || /^\d/.test(w)) {
      i++;
      continue;
    }
    items.push({ t: "unknown", word: w });
    i++;
  }
  return items;
}

interface Built {
  reqs: Omit<BriefRequest, "target">[];
  targets: BriefTarget[];
  unknown: string[];
  missingRoles: NotUnderstood[];
  /** A direction word with nothing after it, on no known target ("more cowbell"). */
  dangling: boolean;
  borrowed?: boolean;
}

/** Turns the items of one segment into requests (targets attached later). */
function buildRequests(items: Item[]): Built {
  const out: Built = { reqs: [], targets: [], unknown: [], missingRoles: [], dangling: false };
  let dir: "more" | "less" | null = null;
  let too = false;
  let amount: number | null = null;
  let dbAmount: number | null = null;
  let words: string[] = [];
  let lastExplicit = false;
  const push = (d: Descriptor | typeof REFERENCE_DESCRIPTOR, direction: "more" | "less", text: string) => {
    const name = typeof d === "string" ? d : d.name;
    let a = amount ?? 1;
    if (dbAmount !== null && typeof d !== "string") a = dbAmount / d.step;
    out.reqs.push({
      descriptor: name,
      direction,
      amount: clampAmount(a),
      text: [...words, text].join(" "),
    });
    dir = null;
    too = false;
    amount = null;
    dbAmount = null;
    words = [];
  };
  for (const it of items) {
    switch (it.t) {
      case "amount":
        amount = it.factor * (amount ?? 1);
        words.push(it.text);
        if (out.reqs.length && !hasLaterDescriptor(items, it)) applyTrailing(out, amount, null);
        break;
      case "db":
        dbAmount = it.value;
        words.push(it.text);
        if (out.reqs.length && !hasLaterDescriptor(items, it)) applyTrailing(out, null, it.value);
        break;
      case "dir":
        dir = dir === null ? it.dir : dir === it.dir ? "more" : "less";
        too = too || it.too;
        words.push(it.text);
        break;
      case "desc": {
        let direction = it.dir;
        let explicit = dir !== null;
        if (dir === "less") direction = direction === "more" ? "less" : "more";
        if (too) direction = it.dir === "more" ? "less" : "more";
        // "muddy bass", "the vocal sounds harsh": naming a fault asks to fix it.
        if (!explicit && !it.comparative && it.d.fault && it.dir === "more") {
          direction = "less";
          explicit = true;
        }
        lastExplicit = explicit;
        push(it.d, direction, it.text);
        break;
      }
      case "updown": {
        const last = out.reqs[out.reqs.length - 1];
        if (last && !lastExplicit && !hasLaterDescriptor(items, it)) {
          last.direction = it.dir;
          last.text += ` ${it.text}`;
          lastExplicit = true;
        } else if (!hasLaterDescriptor(items, it)) {
          dir = dir === null ? it.dir : dir === it.dir ? "more" : "less";
          push(LOUD, dir, it.text);
        } else {
          dir = dir === null ? it.dir : dir;
          words.push(it.text);
        }
        break;
      }
      case "reference":
        push(REFERENCE_DESCRIPTOR, "more", it.text);
        break;
      case "target":
        if (it.target) out.targets.push(it.target);
        else
          out.missingRoles.push({
            word: it.text,
            suggestions: [],
            kind: "target",
          });
        break;
      case "section":
        break;
      case "unknown":
        out.unknown.push(it.word);
        break;
    }
  }
  // A direction with no descriptor after it: "more vocal", "less bass" ask for level.
  if (dir !== null) {
    if (out.targets.length || out.missingRoles.length) push(LOUD, dir, "");
    else out.dangling = true;
  }
  return out;
}

const LOUD = { name: "loud", step: 2 } as unknown as Descriptor;

function hasLaterDescriptor(items: Item[], it: Item): boolean {
  const i = items.indexOf(it);
  return items.slice(i + 1).some((x) => x.t === "desc" || x.t === "reference");
}

function applyTrailing(out: Built, factor: number | null, dbValue: number | null): void {
  const last = out.reqs[out.reqs.length - 1];
  if (factor !== null) last.amount = clampAmount(factor);
  if (dbValue !== null) {
    const step = last.descriptor === "loud" ? 2 : 2.5;
    last.amount = clampAmount(dbValue / step);
  }
}

/** Largest amount a note can ask for (×3 a plain step): "20 dB brighter" is not a mix move. */
export const MAX_AMOUNT = 3;

function clampAmount(a: number): number {
  return Math.round(Math.max(0.1, Math.min(MAX_AMOUNT, a)) * 100) / 100;
}

function isComparative(w: string): boolean {
  return (
    /(er|ier|est)$/.test(w) &&
    !["clear", "power", "over", "under", "upper", "super", "cover", "filter", "water"].includes(w)
  );
}

/** A crude English stemmer for comparatives and superlatives: punchier → punchy, warmest → warm, bigger → big. */
export function stem(w: string): string {
  if (w.length <= 4) return w;
  if (w.endsWith("iest")) return `${w.slice(0, -4)}y`;
  if (w.endsWith("ier")) return `${w.slice(0, -3)}y`;
  if (/([bdglmnprt])\1(er|est)$/.test(w)) return w.replace(/([bdglmnprt])\1(er|est)$/, "$1");
  if (w.endsWith("est")) return w.slice(0, -3);
  if (w.endsWith("er")) return w.slice(0, -2);
  if (w.endsWith("ness")) return w.slice(0, -4);
  if (w.endsWith("ly")) return w.slice(0, -2);
  if (w.endsWith("s") && !w.endsWith("ss")) return w.slice(0, -1);
  return w;
}

function norm(s: string): string {
  return s.toLowerCase().replace(/[_]+/g, " ").replace(/\s+/g, " ").trim();
}

/** The target for a track or bus. */
function stripTarget(session: SessionDocument, kind: "track" | "bus", id: string): BriefTarget {
  if (kind === "track") {
    const t = session.tracks.find((x) => x.id === id)!;
    return { kind: "track", id, name: t.name || t.id, trackIds: [id] };
  }
  const b = session.buses.find((x) => x.id === id)!;
  return { kind: "bus", id, name: b.name || b.id, trackIds: tracksFeeding(session, id) };
}

/** Tracks whose output reaches bus `id` (directly or through other group buses). */
export function tracksFeeding(session: SessionDocument, id: string): string[] {
  const reaches = (out: string, seen = new Set<string>()): boolean => {
    if (out === id) return true;
    if (out === "master" || seen.has(out)) return false;
    seen.add(out);
    const b = session.buses.find((x) => x.id === out);
    return b ? reaches(b.output, seen) : false;
  };
  return session.tracks.filter((t) => reaches(t.output)).map((t) => t.id);
}

/** The whole mix. */
export function mixTarget(session: SessionDocument): BriefTarget {
  return { kind: "mix", id: "mix", name: "the mix", trackIds: session.tracks.map((t) => t.id) };
}

/** Whether a strip name belongs to a role: the whole name or one of its words matches. */
function nameInRole(name: string, role: (typeof ROLES)[number]): boolean {
  const n = norm(name).replace(/[-.]+/g, " ");
  const forms = [n, n.replace(/\s*\d+$/, ""), ...n.split(" ")];
  return role.members.some((re) => forms.some((f) => re.test(f))) || role.words.includes(n);
}

/**
 * Resolves a role to the session: the mix; a bus of the role (drum bus); one track; or a group of tracks.
 * Null when the session has nothing of that role.
 */
export function resolveRole(session: SessionDocument, roleName: string): BriefTarget | null {
  if (roleName === "mix") return mixTarget(session);
  const role = ROLES.find((r) => r.name === roleName);
  if (!role) return null;
  const bus = session.buses.find((b) => b.kind === "group" && nameInRole(b.name || b.id, role));
  if (bus) return stripTarget(session, "bus", bus.id);
  const tracks = session.tracks.filter((t) => nameInRole(t.name || t.id, role) || nameInRole(t.id, role));
  if (tracks.length === 0) return null;
  if (tracks.length === 1) return stripTarget(session, "track", tracks[0].id);
  return { kind: "group", id: role.name, name: role.name, trackIds: tracks.map((t) => t.id) };
}

/** Known terms for suggestions: descriptor words, roles present in the session, track and bus names. */
function knownTerms(session: SessionDocument): { descriptors: string[]; targets: string[] } {
  const descriptors = [...descriptorWords().keys()].filter((w) => !w.includes("-"));
  const targets = [
    ...session.tracks.map((t) => norm(t.name || t.id)),
    ...session.buses.map((b) => norm(b.name || b.id)),
    ...ROLES.filter((r) => r.name === "mix" || resolveRole(session, r.name)).flatMap((r) =>
      r.words.filter((w) => !w.includes(" ")),
    ),
  ];
  return { descriptors, targets: [...new Set(targets)] };
}

/** Up to three nearest known terms by edit distance (and the related-word table first). */
function suggest(
  word: string,
  known: { descriptors: string[]; targets: string[] },
  kind: "target" | "any",
): string[] {
  const related = RELATED_WORDS[word] ?? RELATED_WORDS[stem(word)];
  if (related && kind !== "target") return [...related];
  const pool = kind === "target" ? known.targets : [...known.descriptors, ...known.targets];
  const limit = Math.max(1, Math.floor(word.length / 3));
  const scored = pool
    .map((w) => ({ w, d: Math.min(editDistance(word, w), editDistance(stem(word), w)) }))
    .filter((x) => x.d <= limit)
    .sort((a, b) => a.d - b.d || a.w.localeCompare(b.w));
  const out = [...new Set(scored.map((x) => x.w))].slice(0, 3);
  if (out.length === 0 && kind === "target") return known.targets.slice(0, 8);
  return out;
}

/** "didn't understand 'crunchy' — did you mean 'dirty' or 'crisp'?" */
export function describeNotUnderstood(u: NotUnderstood): string {
  const s = u.suggestions.map((x) => `'${x}'`);
  const mean =
    s.length === 0 ? "" : s.length === 1 ? s[0] : `${s.slice(0, -1).join(", ")} or ${s[s.length - 1]}`;
  if (u.kind === "target")
    return `no track, bus or part called '${u.word}' in this session${mean ? ` (there is ${mean})` : ""}`;
  return `didn't understand '${u.word}'${mean ? ` — did you mean ${mean}?` : ""}`;
}

/** Levenshtein distance. */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[n];
}
