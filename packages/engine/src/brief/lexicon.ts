/**
 * The vocabulary producers and engineers use about sound, tied to what can be measured. Each descriptor names
 * the measured feature it moves (features.ts), which way "more" goes on it, the usual size of one step, and the
 * features that must stay put while it moves. Opposites ("cold" for warm, "dark" for bright) are words of the
 * same descriptor with the direction turned round. Amount words ("a touch", "way more") scale the step.
 */
import type { FeatureName } from "./features.ts";

/** A canonical descriptor, e.g. `warm`. */
export interface Descriptor {
  /** Canonical name: the word "more <name>" means. */
  name: string;
  /** What the word means in the studio, one line. */
  meaning: string;
  /** Words (adjectives, comparatives, nouns) meaning "more of this". */
  words: readonly string[];
  /** Words meaning "less of this" (its opposites). */
  opposites: readonly string[];
  /** The measured feature the move is judged on. */
  feature: FeatureName;
  /** +1 when "more" raises the feature, −1 when it lowers it. */
  sign: 1 | -1;
  /**
   * Change of the feature for one plain step ("warmer"), in the feature's unit; amount words scale it.
   * The move is sized so the prediction reaches this.
   */
  step: number;
  /**
   * Smallest change of `feature` a render must show for one plain step, in the feature's unit (the measured
   * check in the tests).
   */
  minChange: number;
  /** Other features that must stay within ± this many units of their value before the move. */
  bounds: Partial<Record<FeatureName, number>>;
  /** True for faults ("muddy", "harsh"): "too X" and "sounds X" ask for less. */
  fault?: boolean;
  /** Where the move acts; `any` (default) or `stereo` (needs two different channels). */
  needs?: "stereo";
}

/** The descriptors. At least 25 (the tests check), each with a feature and a move in moves.ts. */
export const DESCRIPTORS: readonly Descriptor[] = [
  {
    name: "warm",
    meaning: "more low-mid body against the upper mids",
    words: ["warm", "warmer", "warmth", "warmest", "cosy", "cozy"],
    opposites: ["cold", "colder", "cool", "cooler", "clinical"],
    feature: "lowMidPresenceDb",
    sign: 1,
    step: 2.5,
    minChange: 1.2,
    bounds: { levelInMixDb: 1, widthDb: 1 },
  },
  {
    name: "bright",
    meaning: "more top end: the spectrum tilts up",
    words: ["bright", "brighter", "brightness", "brightest", "sparkle", "sparkly", "shine", "shiny"],
    opposites: ["dark", "darker", "dull", "duller", "muffled", "dim"],
    feature: "tiltDbPerOct",
    sign: 1,
    step: 0.4,
    minChange: 0.2,
    bounds: { levelInMixDb: 1, widthDb: 1 },
  },
  {
    name: "air",
    meaning: "more of the top octave above 10 kHz",
    words: ["air", "airy", "airier", "airiness", "open", "opener"],
    opposites: ["closed"],
    feature: "airDb",
    sign: 1,
    step: 3,
    minChange: 1.5,
    bounds: { levelInMixDb: 1, widthDb: 1 },
  },
  {
    name: "crisp",
    meaning: "more definition at 5-9 kHz",
    words: ["crisp", "crisper", "crispness", "defined", "definition", "detail", "detailed"],
    opposites: ["soft", "softer", "blurry", "blurred"],
    feature: "crispDb",
    sign: 1,
    step: 2,
    minChange: 1,
    bounds: { levelInMixDb: 1, widthDb: 1 },
  },
  {
    name: "muddy",
    meaning: "build-up at 200-500 Hz",
    words: ["muddy", "muddier", "mud", "murky", "murkier", "cloudy", "woolly", "wooly"],
    opposites: ["clear", "clearer", "clarity"],
    feature: "mudDb",
    sign: 1,
    step: 2.5,
    minChange: 1,
    bounds: { levelInMixDb: 1, widthDb: 1 },
    fault: true,
  },
  {
    name: "boxy",
    meaning: "a cardboard resonance at 350-800 Hz",
    words: ["boxy", "boxier", "boxiness", "cardboard", "cardboardy"],
    opposites: [],
    feature: "boxDb",
    sign: 1,
    step: 2.5,
    minChange: 1,
    bounds: { levelInMixDb: 1, widthDb: 1 },
    fault: true,
  },
  {
    name: "honky",
    meaning: "a horn-like push at 700-1400 Hz",
    words: ["honky", "honkier", "honk"],
    opposites: [],
    feature: "honkDb",
    sign: 1,
    step: 2.5,
    minChange: 1,
    bounds: { levelInMixDb: 1, widthDb: 1 },
    fault: true,
  },
  {
    name: "nasal",
    meaning: "a pinched 1-2 kHz",
    words: ["nasal", "nasally", "nasaly", "nasality", "pinched"],
    opposites: [],
    feature: "nasalDb",
    sign: 1,
    step: 2.5,
    minChange: 1,
    bounds: { levelInMixDb: 1, widthDb: 1 },
    fault: true,
  },
  {
    name: "harsh",
    meaning: "too much 2.5-6 kHz: hard on the ear",
    words: ["harsh", "harsher", "harshness", "brittle", "piercing", "shrill", "strident", "edgy", "edgier"],
    opposites: [],
    feature: "harshDb",
    sign: 1,
    step: 2.5,
    minChange: 1,
    bounds: { levelInMixDb: 1, widthDb: 1 },
    fault: true,
  },
  {
    name: "sibilant",
    meaning: "loud esses at 5-10 kHz",
    words: ["sibilant", "sibilance", "essy", "esses", "hissy"],
    opposites: [],
    feature: "sibilanceDb",
    sign: 1,
    step: 2,
    minChange: 0.6,
    bounds: { levelInMixDb: 1, widthDb: 0.5 },
    fault: true,
  },
  {
    name: "full",
    meaning: "more body at 120-350 Hz",
    words: [
      "full",
      "fuller",
      "fullness",
      "body",
      "thick",
      "thicker",
      "fat",
      "fatter",
      "weight",
      "weightier",
      "heavier",
    ],
    opposites: ["thin", "thinner", "weak", "weaker", "lightweight"],
    feature: "bodyDb",
    sign: 1,
    step: 2.5,
    minChange: 1,
    bounds: { levelInMixDb: 1, widthDb: 1 },
  },
  {
    name: "boomy",
    meaning: "too much 60-150 Hz: the low end rings",
    words: ["boomy", "boomier", "boom", "booming", "tubby", "flabby", "woofy"],
    opposites: [],
    feature: "boomDb",
    sign: 1,
    step: 2.5,
    minChange: 1,
    bounds: { levelInMixDb: 1, widthDb: 1 },
    fault: true,
  },
  {
    name: "deep",
    meaning: "more sub below 60 Hz",
    words: ["deep", "deeper", "depth", "sub", "subby", "rumble"],
    opposites: ["shallow"],
    feature: "subDb",
    sign: 1,
    step: 3,
    minChange: 1.2,
    bounds: { levelInMixDb: 1, widthDb: 1 },
  },
  {
    name: "tight",
    meaning: "shorter sustain after each hit, controlled low end",
    words: ["tight", "tighter", "tightness", "controlled", "focused", "focussed"],
    opposites: ["loose", "looser", "floppy", "sloppy"],
    feature: "boomDb",
    sign: -1,
    step: 2,
    minChange: 0.8,
    bounds: { levelInMixDb: 1, widthDb: 0.5 },
  },
  {
    name: "punchy",
    meaning: "hits jump out: more peak against the body",
    words: ["punchy", "punchier", "punch", "snappy", "snappier", "snap", "impact", "hard-hitting"],
    opposites: ["flat", "flatter", "squashed", "limp"],
    feature: "attackSustainDb",
    sign: 1,
    step: 2,
    minChange: 0.8,
    bounds: { levelInMixDb: 1, lowMidPresenceDb: 1.5 },
  },
  {
    name: "smooth",
    meaning: "rounded upper mids, nothing poking out",
    words: [
      "smooth",
      "smoother",
      "smoothness",
      "silky",
      "silkier",
      "sweet",
      "sweeter",
      "polished",
      "round",
      "rounder",
    ],
    opposites: ["rough", "rougher", "jagged"],
    feature: "harshDb",
    sign: -1,
    step: 2,
    minChange: 0.8,
    bounds: { levelInMixDb: 1, widthDb: 1 },
  },
  {
    name: "aggressive",
    meaning: "more bite: pushed upper mids and some drive",
    words: [
      "aggressive",
      "aggression",
      "bite",
      "bitey",
      "biting",
      "angry",
      "angrier",
      "raw",
      "rawer",
      "gnarly",
    ],
    opposites: ["gentle", "gentler", "tame", "tamer", "polite"],
    feature: "presenceDb",
    sign: 1,
    step: 2,
    minChange: 0.8,
    bounds: { levelInMixDb: 1, widthDb: 0.5 },
  },
  {
    name: "present",
    meaning: "more 2-5 kHz: the part you hear the words and attacks in",
    words: ["present", "presence", "intelligible", "articulate", "cutting"],
    opposites: ["recessed", "veiled"],
    feature: "presenceDb",
    sign: 1,
    step: 2.5,
    minChange: 1,
    bounds: { levelInMixDb: 1, widthDb: 1 },
  },
  {
    name: "forward",
    meaning: "nearer the listener: louder in the mix, more presence, less reverb",
    words: [
      "forward",
      "upfront",
      "up-front",
      "closer",
      "close",
      "in-your-face",
      "push",
      "pushed",
      "front",
      "nearer",
    ],
    opposites: ["distant", "back", "further", "farther", "behind", "buried", "away"],
    feature: "levelInMixDb",
    sign: 1,
    step: 2,
    minChange: 1,
    bounds: { widthDb: 0.5 },
  },
  {
    name: "wide",
    meaning: "more side against mid: a wider stereo image",
    words: ["wide", "wider", "width", "widest", "spread", "stereo", "spacious", "broad", "broader"],
    opposites: ["narrow", "narrower", "mono", "centred", "centered"],
    feature: "widthDb",
    sign: 1,
    step: 3,
    minChange: 1.5,
    bounds: { lowMidPresenceDb: 0.5, levelInMixDb: 1.5 },
    needs: "stereo",
  },
  {
    name: "wet",
    meaning: "more reverb against the direct sound",
    words: [
      "wet",
      "wetter",
      "reverb",
      "verb",
      "reverby",
      "ambience",
      "ambient",
      "roomy",
      "space",
      "spacey",
      "washy",
      "echo",
      "echoey",
    ],
    opposites: ["dry", "drier", "dryer", "dead", "deader"],
    feature: "directToReverbDb",
    sign: -1,
    step: 4,
    minChange: 2,
    bounds: { levelInMixDb: 2 },
  },
  {
    name: "big",
    meaning: "larger than life: more low end under it, a bit more width",
    words: ["big", "bigger", "huge", "huger", "larger", "large", "massive", "epic"],
    opposites: ["small", "smaller", "tiny"],
    feature: "lowDb",
    sign: 1,
    step: 2,
    minChange: 0.8,
    bounds: { levelInMixDb: 1 },
  },
  {
    name: "glue",
    meaning: "parts held together by gentle bus compression: steadier short-term level",
    words: ["glue", "glued", "gluey", "cohesive", "together", "cohesion", "compressed", "compression"],
    opposites: ["dynamic", "uncompressed"],
    feature: "dynamicsDb",
    sign: -1,
    step: 1.5,
    minChange: 0.4,
    bounds: { lowMidPresenceDb: 1, widthDb: 0.5 },
  },
  {
    name: "loud",
    meaning: "higher level in the mix",
    words: ["loud", "louder", "loudness", "level", "volume", "hotter", "hot"],
    opposites: ["quiet", "quieter", "softly"],
    feature: "levelInMixDb",
    sign: 1,
    step: 2,
    minChange: 1.5,
    bounds: { lowMidPresenceDb: 0.3, widthDb: 0.3 },
  },
  {
    name: "dirty",
    meaning: "saturation: harmonics and flattened peaks",
    words: [
      "dirty",
      "dirtier",
      "dirt",
      "distorted",
      "distortion",
      "gritty",
      "grittier",
      "grit",
      "saturated",
      "saturation",
      "driven",
      "overdriven",
      "fuzz",
      "fuzzy",
    ],
    opposites: ["clean", "cleaner", "pristine", "undistorted"],
    feature: "crestDb",
    sign: -1,
    step: 1.5,
    minChange: 0.5,
    bounds: { levelInMixDb: 1.5, widthDb: 0.5 },
  },
];

/** Amount words and the factor they put on a step (a plain "warmer" is 1). */
export const AMOUNT_WORDS: readonly { words: string; factor: number }[] = [
  { words: "a touch", factor: 0.4 },
  { words: "a hair", factor: 0.35 },
  { words: "a tad", factor: 0.4 },
  { words: "a smidge", factor: 0.35 },
  { words: "slightly", factor: 0.5 },
  { words: "a little", factor: 0.6 },
  { words: "a little bit", factor: 0.5 },
  { words: "a bit", factor: 0.6 },
  { words: "a little more", factor: 0.6 },
  { words: "somewhat", factor: 0.7 },
  { words: "a lot", factor: 1.6 },
  { words: "lots", factor: 1.6 },
  { words: "much", factor: 1.6 },
  { words: "way", factor: 1.8 },
  { words: "far", factor: 1.6 },
  { words: "really", factor: 1.4 },
  { words: "very", factor: 1.4 },
  { words: "super", factor: 1.6 },
  { words: "loads", factor: 1.6 },
  { words: "tons", factor: 1.8 },
  { words: "way way", factor: 2.2 },
  { words: "a lot more", factor: 1.6 },
  { words: "way more", factor: 1.8 },
  { words: "much more", factor: 1.6 },
];

/** Target roles: what a producer calls a part, and how tracks and buses of that part tend to be named. */
export interface Role {
  /** Canonical role name. */
  name: string;
  /** Words a note uses for it ("vox", "lead vocal"). */
  words: readonly string[];
  /** Patterns a track or bus name matches when it belongs to the role (lower case, tested on words of the name). */
  members: readonly RegExp[];
}

export const ROLES: readonly Role[] = [
  {
    name: "drums",
    words: ["drums", "drum", "kit", "drumkit", "drum kit", "drum bus", "percussion", "perc", "beat", "beats"],
    members: [
      /^(drums?|kit|kick|kik|bd|bass ?drum|snare|sn|sd|hats?|hh|hi-?hats?|toms?|floor ?tom|overheads?|ohs?|rooms?|cymbals?|ride|crash|clap|perc(ussion)?|shaker|tamb(ourine)?)$/,
    ],
  },
  {
    name: "vocal",
    words: [
      "vocal",
      "vocals",
      "vox",
      "voice",
      "singer",
      "singing",
      "lead vocal",
      "lead vocals",
      "lead vox",
      "main vocal",
      "vocal bus",
      "voc",
    ],
    members: [/^(lead ?)?(vocals?|vox|voc|vo|voice|singer|lv)$/],
  },
  {
    name: "keys",
    words: [
      "keys",
      "keyboard",
      "keyboards",
      "piano",
      "pianos",
      "rhodes",
      "ep",
      "electric piano",
      "organ",
      "wurli",
      "wurlitzer",
      "synth",
      "synths",
      "pads",
      "pad",
    ],
    members: [/^(keys?|keyboards?|piano|pno|rhodes|ep|e-?piano|organ|wurli(tzer)?|synths?|pads?)$/],
  },
  {
    name: "guitars",
    words: ["guitars", "guitar", "gtr", "gtrs", "gits", "electric guitar", "acoustic guitar", "acoustic"],
    members: [/^(guitars?|gtrs?|gt|elec ?gtr|ac ?gtr|acoustic|electric|gits?)$/],
  },
  {
    name: "strings",
    words: ["strings", "string section", "violins", "violin", "cellos", "cello", "orchestra"],
    members: [/^(strings?|str|violins?|vln|violas?|vla|cellos?|vc|orch(estra)?)$/],
  },
  {
    name: "bass",
    words: ["bass", "bass guitar", "bassline", "bass line", "low end", "sub bass"],
    members: [/^(bass|bs|bass ?(gtr|guitar|di|amp)|sub ?bass|synth ?bass)$/],
  },
  {
    name: "mix",
    words: [
      "mix",
      "whole mix",
      "the whole thing",
      "everything",
      "overall",
      "master",
      "song",
      "track overall",
      "whole song",
      "full mix",
      "it all",
      "all of it",
      "mix bus",
    ],
    members: [],
  },
];

/** Words that carry no meaning for the parser ("make the drums warmer" = "drums warmer"). */
export const FILLER_WORDS: ReadonlySet<string> = new Set(
  (
    "the a an on in of to for at with is are be been being it its it's that this these those and " +
    "make makes making made get getting sound sounds sounding feel feels feeling seems seem needs need " +
    "should could would can we you i please just still maybe perhaps think want like little bit " +
    "some also overall whole so them they their as all bring let's lets try give little then but " +
    "now here there again really? do does done kind sort of maybe while keep keeping our my your " +
    "pretty quite rather section part parts bus track tracks channel"
  ).split(/\s+/),
);

/** Words that ask for more of what follows. */
export const MORE_WORDS: ReadonlySet<string> = new Set([
  "more",
  "add",
  "adding",
  "boost",
  "increase",
  "extra",
  "raise",
  "enhance",
  "emphasise",
  "emphasize",
  "plus",
  "bring-up",
  "turn-up",
]);

/** Words that ask for less of what follows ("too" also turns a fault into "less"). */
export const LESS_WORDS: ReadonlySet<string> = new Set([
  "less",
  "reduce",
  "cut",
  "lose",
  "remove",
  "tame",
  "fewer",
  "decrease",
  "minus",
  "without",
  "kill",
  "no",
  "not",
  "bring-down",
  "turn-down",
  "pull",
  "too",
]);

/**
 * Words a producer uses that the lexicon deliberately does not interpret (ambiguous between moves), with the
 * terms to suggest instead.
 */
export const RELATED_WORDS: Readonly<Record<string, readonly string[]>> = {
  crunchy: ["dirty", "crisp"],
  crunch: ["dirty", "crisp"],
  crunchier: ["dirty", "crisp"],
  phat: ["full", "big"],
  thump: ["punchy", "full"],
  thumpy: ["punchy", "full"],
  fizzy: ["harsh", "sibilant"],
  tinny: ["thin", "harsh"],
  hollow: ["boxy", "thin"],
  lush: ["wet", "wide"],
  lively: ["punchy", "bright"],
  vintage: ["warm", "dirty"],
  analog: ["warm", "dirty"],
  analogue: ["warm", "dirty"],
  pop: ["punchy", "present"],
  presence: ["present"],
  glossy: ["bright", "air"],
  shimmer: ["air", "bright"],
  sizzle: ["air", "sibilant"],
  honkey: ["honky"],
  crispy: ["crisp"],
  bassy: ["full", "boomy"],
  bottom: ["full", "deep"],
  low: ["full", "deep"],
  high: ["bright", "air"],
  highs: ["bright", "air"],
  lows: ["full", "deep"],
  mids: ["boxy", "honky", "present"],
  vibe: ["warm", "wet"],
  energy: ["punchy", "bright"],
};

/** The descriptor with this canonical name (throws for an unknown name: a programming error). */
export function descriptorByName(name: string): Descriptor {
  const d = DESCRIPTORS.find((x) => x.name === name);
  if (!d) throw new RangeError(`no descriptor "${name}"`);
  return d;
}

/** Every word the lexicon knows for a descriptor, with the direction it asks for. */
export function descriptorWords(): Map<string, { descriptor: Descriptor; direction: "more" | "less" }> {
  const m = new Map<string, { descriptor: Descriptor; direction: "more" | "less" }>();
  for (const d of DESCRIPTORS) {
    for (const w of d.words) if (!m.has(w)) m.set(w, { descriptor: d, direction: "more" });
    for (const w of d.opposites) if (!m.has(w)) m.set(w, { descriptor: d, direction: "less" });
  }
  return m;
}
