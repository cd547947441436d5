#!/usr/bin/env node
// The CLI runs from the TypeScript sources with no build step: tsx registers its ESM loader
// in this process, then the program is imported. Installed or from a checkout, same path.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
// Every command closes what it opened; should a client library still hold a socket open,
// the command's result must not wait on it (an unref'd timer never keeps the process alive).
globalThis.setTimeout(() => process.exit(), 5_000).unref();
