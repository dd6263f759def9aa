#!/usr/bin/env node
// The controlroom program with the audio commands alone (analyze, process, render, session, master, qc,
// deliver, demo): what this package's tests run. The full program, with the studio's commands, is
// packages/cli's bin.
import { loadCommandLine } from "./command-line.js";

const cli = await loadCommandLine();
await cli.runControlroom(cli.FAMILIES);
