/**
 * The parts of zod the session schema uses, re-exported by name so that a bundle takes only them: the schema
 * imported zod's `z` namespace, which holds all of zod (JSON-schema conversion, every locale, …), and the CLI
 * bundle carried 755 KB of it that every `controlroom render` parsed on its main thread before starting (~45 ms of
 * V8 compile); by name it is ~190 KB. The schemas and their error messages are zod's own either way.
 */

export type { input, output } from "zod";
export {
  array,
  boolean,
  enum,
  literal,
  number,
  record,
  strictObject,
  string,
  union,
  unknown,
} from "zod";
