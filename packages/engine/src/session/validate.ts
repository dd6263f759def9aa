/**
 * Checks a schema-valid session for what a schema cannot see: references (sends and outputs to buses that
 * exist, clips to audio that exists, comps to takes that exist), routing cycles, clips beyond their source,
 * insert chains and automation targets. Returns every problem found, each naming its JSON path.
 */
import { ParamError } from "../core/params.ts";
import { parseChain, processorFactory } from "../dsp/chain.ts";
import { parseAutomationTarget } from "./automation.ts";
import type { SessionProblem } from "./problems.ts";
import type { AutomationLane, Bus, Session, Track } from "./schema.ts";

/** Half a sample of slack when comparing clip ends with source lengths (times are stored in seconds). */
const HALF_SAMPLE = 0.5;

export function checkSession(s: Session): SessionProblem[] {
  const problems: SessionProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });

  const busIds = new Map<string, number>();
  for (const [i, b] of s.buses.entries()) {
    if (b.id === "master") add(`buses[${i}].id`, `"master" is reserved for the master bus`);
    else if (busIds.has(b.id))
      add(`buses[${i}].id`, `duplicate id "${b.id}" (also buses[${busIds.get(b.id)}])`);
    else busIds.set(b.id, i);
  }
  const trackIds = new Map<string, number>();
  for (const [i, t] of s.tracks.entries()) {
    if (t.id === "master") add(`tracks[${i}].id`, `"master" is reserved for the master bus`);
    else if (trackIds.has(t.id))
      add(`tracks[${i}].id`, `duplicate id "${t.id}" (also tracks[${trackIds.get(t.id)}])`);
    else if (busIds.has(t.id)) add(`tracks[${i}].id`, `id "${t.id}" is also a bus id`);
    else trackIds.set(t.id, i);
  }
  const busList = s.buses.length ? s.buses.map((b) => b.id).join(", ") : "none";

  const checkStrip = (path: string, strip: Track | Bus, channels: number) => {
    if (strip.output !== "master" && !busIds.has(strip.output)) {
      add(`${path}.output`, `no bus "${strip.output}" (buses: ${busList}; or "master")`);
    }
    const sendBuses = new Set<string>();
    for (const [j, send] of strip.sends.entries()) {
      if (!busIds.has(send.bus)) add(`${path}.sends[${j}].bus`, `no bus "${send.bus}" (buses: ${busList})`);
      else if (sendBuses.has(send.bus)) add(`${path}.sends[${j}].bus`, `a second send to "${send.bus}"`);
      sendBuses.add(send.bus);
    }
    checkInserts(`${path}.inserts`, strip.inserts, s.sampleRate, channels, add);
    checkAutomation(`${path}.automation`, strip.automation, strip.inserts, sendBuses, true, add);
  };

  for (const [i, t] of s.tracks.entries()) {
    const path = `tracks[${i}]`;
    checkStrip(path, t, t.channels);
    const takeIds = new Set<string>();
    for (const [j, take] of t.takes.entries()) {
      if (takeIds.has(take.id)) add(`${path}.takes[${j}].id`, `duplicate take id "${take.id}"`);
      takeIds.add(take.id);
      for (const [k, c] of take.clips.entries()) {
        const cp = `${path}.takes[${j}].clips[${k}]`;
        const ref = s.audio[c.audio];
        if (!ref) {
          add(`${cp}.audio`, `no audio "${c.audio}" in the session's audio list`);
          continue;
        }
        const sourceSeconds = ref.frames / ref.sampleRate;
        const need = c.offset + c.length;
        if (need > sourceSeconds + HALF_SAMPLE / ref.sampleRate) {
          add(
            cp,
            `runs past the end of its source "${ref.path}": needs ${need.toFixed(6)} s (offset ${c.offset} s + length ${c.length} s), the source is ${sourceSeconds.toFixed(6)} s`,
          );
        }
      }
    }
    if (t.activeTake !== undefined && !takeIds.has(t.activeTake)) {
      add(`${path}.activeTake`, `no take "${t.activeTake}" (takes: ${[...takeIds].join(", ") || "none"})`);
    }
    if (t.comp) {
      const segs = t.comp.segments.map((seg, j) => ({ ...seg, j })).sort((a, b) => a.start - b.start);
      for (const seg of t.comp.segments.map((x, j) => ({ ...x, j }))) {
        const sp = `${path}.comp.segments[${seg.j}]`;
        if (!takeIds.has(seg.take)) add(`${sp}.take`, `no take "${seg.take}"`);
        if (!(seg.end > seg.start))
          add(`${sp}.end`, `must be after start (${seg.start} s), got ${seg.end} s`);
      }
      for (let q = 1; q < segs.length; q++) {
        if (segs[q].start < segs[q - 1].end - 1e-9) {
          add(
            `${path}.comp.segments[${segs[q].j}].start`,
            `overlaps comp.segments[${segs[q - 1].j}] (which ends at ${segs[q - 1].end} s)`,
          );
        }
      }
    }
  }
  for (const [i, b] of s.buses.entries()) checkStrip(`buses[${i}]`, b, 2);
  checkInserts("master.inserts", s.master.inserts, s.sampleRate, 2, add);
  checkAutomation("master.automation", s.master.automation, s.master.inserts, new Set(), false, add);

  for (const cycle of findRoutingCycles(s.buses)) {
    add(`buses[${busIds.get(cycle[0])}]`, `routing cycle: ${cycle.join(" → ")} (a bus may not feed itself)`);
  }

  const sectionNames = new Set<string>();
  for (const [i, sec] of s.sections.entries()) {
    if (sec.endBar < sec.startBar)
      add(`sections[${i}].endBar`, `must be at or after startBar ${sec.startBar}, got ${sec.endBar}`);
    if (sectionNames.has(sec.name)) add(`sections[${i}].name`, `duplicate section name "${sec.name}"`);
    sectionNames.add(sec.name);
  }
  return problems;
}

/** Every cycle among buses (outputs and sends), each as a list of ids starting and ending with the same bus. */
export function findRoutingCycles(buses: readonly Bus[]): string[][] {
  const edges = new Map<string, string[]>();
  for (const b of buses)
    edges.set(
      b.id,
      [b.output, ...b.sends.map((x) => x.bus)].filter((x) => x !== "master"),
    );
  const state = new Map<string, 1 | 2>(); // 1 on the stack, 2 done
  const stack: string[] = [];
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const visit = (id: string) => {
    state.set(id, 1);
    stack.push(id);
    for (const next of edges.get(id) ?? []) {
      if (!edges.has(next)) continue;
      if (state.get(next) === 1) {
        const cyc = [...stack.slice(stack.indexOf(next)), next];
        const key = [...cyc.slice(0, -1)].sort().join(" ");
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(cyc);
        }
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(id, 2);
  };
  for (const b of buses) if (!state.has(b.id)) visit(b.id);
  return cycles;
}

function checkInserts(
  path: string,
  inserts: readonly Record<string, unknown>[],
  sampleRate: number,
  channels: number,
  add: (path: string, message: string) => void,
): void {
  // Each processor on its own, so one bad insert does not hide the others.
  for (const [i, item] of inserts.entries()) {
    try {
      parseChain([item], { sampleRate, channels }, path);
    } catch (e) {
      if (!(e instanceof ParamError)) throw e;
      add(e.path.replace(`${path}[0]`, `${path}[${i}]`), e.message.slice(e.path.length + 2));
    }
  }
}

function checkAutomation(
  path: string,
  lanes: readonly AutomationLane[],
  inserts: readonly Record<string, unknown>[],
  sendBuses: ReadonlySet<string>,
  hasPan: boolean,
  add: (path: string, message: string) => void,
): void {
  const targets = new Set<string>();
  for (const [i, lane] of lanes.entries()) {
    const lp = `${path}[${i}]`;
    const t = parseAutomationTarget(lane.target);
    if (targets.has(lane.target)) add(`${lp}.target`, `a second lane for "${lane.target}"`);
    targets.add(lane.target);
    let range: [number, number, string] | null = null;
    if (!t || (t.kind === "pan" && !hasPan) || (t.kind === "send" && !hasPan)) {
      add(
        `${lp}.target`,
        `unknown target "${lane.target}" (use ${hasPan ? "volume, pan, send.<bus>, " : "volume, "}insert.<index>.<parameter>)`,
      );
      continue;
    }
    if (t.kind === "volume") range = [-144, 24, "dB"];
    else if (t.kind === "pan") range = [-1, 1, ""];
    else if (t.kind === "send") {
      if (!sendBuses.has(t.bus)) add(`${lp}.target`, `no send to "${t.bus}" on this strip`);
      range = [-144, 24, "dB"];
    } else {
      const item = inserts[t.index];
      const type = item && typeof item.type === "string" ? item.type : undefined;
      const spec = type ? processorFactory(type)?.specs[t.param] : undefined;
      if (!item) add(`${lp}.target`, `no insert ${t.index} (there are ${inserts.length})`);
      else if (!type || !processorFactory(type))
        continue; // reported with the inserts
      else if (spec?.kind !== "number") add(`${lp}.target`, `${type} has no numeric parameter "${t.param}"`);
      else range = [spec.min, spec.max, spec.unit];
    }
    if (!range) continue;
    for (const [j, p] of lane.points.entries()) {
      if (p.value < range[0] || p.value > range[1]) {
        add(
          `${lp}.points[${j}].value`,
          `must be between ${range[0]} and ${range[1]}${range[2] ? ` ${range[2]}` : ""}, got ${p.value}`,
        );
      }
    }
  }
}
