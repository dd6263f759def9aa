// Types of build-cli.mjs, for the TypeScript that imports it (its test).
export declare const BUNDLE_DIR: string;
export declare const CLI_BUNDLE: string;
/** Newest modification time (ms) of any source file below `dir`. */
export declare function newestMtime(dir: string): number;
export declare function isCliBundleFresh(): boolean;
export declare function buildCli(): Promise<void>;
