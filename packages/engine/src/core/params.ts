/**
 * Typed, validated processor parameters. Every numeric parameter has a unit and a range; a value out of
 * range is rejected with an error that names the processor, the parameter and the allowed range.
 */

/** Describes one numeric parameter. */
export interface NumberParam {
  kind: "number";
  /** Unit shown to people: `dB`, `Hz`, `ms`, `s`, `ratio`, `%`, `samples`, `` (none). */
  unit: string;
  /** Smallest allowed value (inclusive). */
  min: number;
  /** Largest allowed value (inclusive). */
  max: number;
  /** Value used when the parameter is omitted. */
  default: number;
  /** One line: what it does. */
  description: string;
}

/** Describes one parameter chosen from a fixed list of names. */
export interface ChoiceParam {
  kind: "choice";
  options: readonly string[];
  default: string;
  description: string;
}

/** Describes an on/off parameter. */
export interface BooleanParam {
  kind: "boolean";
  default: boolean;
  description: string;
}

/** A list (e.g. EQ bands, explicit pitch notes); `validate` throws a ParamError naming the bad element. */
export interface ListParam {
  kind: "list";
  default: readonly unknown[];
  description: string;
  /** Checks the whole list; `path` is e.g. `eq.bands`, elements are reported as `eq.bands[2].freq`. */
  validate: (path: string, value: unknown) => void;
}

/** Free text (a preset name, a file path resolved by the host). */
export interface TextParam {
  kind: "text";
  default: string;
  description: string;
}

export type ParamSpec = NumberParam | ChoiceParam | BooleanParam | ListParam | TextParam;
export type ParamSpecs = Record<string, ParamSpec>;

/** A parameter was missing, of the wrong type or out of range. `path` locates it, e.g. `chain[2].ratio`. */
export class ParamError extends Error {
  constructor(
    /** Where the bad value is, e.g. `compressor.ratio` or `chain[2].ratio`. */
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = "ParamError";
  }
}

/** Checks one number against its range; returns it. */
export function checkNumber(path: string, value: unknown, min: number, max: number, unit = ""): number {
  const u = unit ? ` ${unit}` : "";
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new ParamError(
      path,
      `must be a number between ${min} and ${max}${u}, got ${JSON.stringify(value)}`,
    );
  }
  if (value < min || value > max) {
    throw new ParamError(path, `must be between ${min} and ${max}${u}, got ${value}`);
  }
  return value;
}

/** Checks one choice; returns it. */
export function checkChoice<T extends string>(path: string, value: unknown, options: readonly T[]): T {
  if (typeof value !== "string" || !options.includes(value as T)) {
    throw new ParamError(path, `must be one of ${options.join(", ")}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

/**
 * Validates a partial parameter object against specs: unknown keys are errors, values are range-checked.
 * `prefix` is prepended to error paths (`compressor` → `compressor.ratio`).
 */
export function validateParams(prefix: string, specs: ParamSpecs, values: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(values)) {
    if (key === "type" || key === "bypass") continue;
    const spec = specs[key];
    const path = `${prefix}.${key}`;
    if (!spec) {
      throw new ParamError(path, `unknown parameter (known: ${Object.keys(specs).join(", ")})`);
    }
    if (value === undefined) continue;
    if (spec.kind === "number") checkNumber(path, value, spec.min, spec.max, spec.unit);
    else if (spec.kind === "choice") checkChoice(path, value, spec.options);
    else if (spec.kind === "list") {
      if (!Array.isArray(value)) throw new ParamError(path, `must be a list, got ${JSON.stringify(value)}`);
      spec.validate(path, value);
    } else if (spec.kind === "text") {
      if (typeof value !== "string") throw new ParamError(path, `must be text, got ${JSON.stringify(value)}`);
    } else if (typeof value !== "boolean")
      throw new ParamError(path, `must be true or false, got ${JSON.stringify(value)}`);
  }
}

/** The defaults of a spec set as a plain object. */
export function defaultsOf(specs: ParamSpecs): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, s] of Object.entries(specs)) out[k] = Array.isArray(s.default) ? [...s.default] : s.default;
  return out;
}
