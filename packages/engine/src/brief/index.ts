/**
 * The brief: a producer's note becomes an engineer's moves. Vocabulary (lexicon), the note parser, features
 * measured on the audio, moves decided from them, reference matching, and the proposal.
 */
export * from "./changes.ts";
export * from "./features.ts";
export * from "./lexicon.ts";
export * from "./measure-target.ts";
export * from "./moves.ts";
export * from "./parse-note.ts";
export * from "./propose.ts";
export * from "./reference-match.ts";
export * from "./render-span.ts";
export * from "./reverb-ratio.ts";
export * from "./simulate.ts";
