#!/usr/bin/env node
// The CLI runs from the TypeScript sources with no build step: tsx registers its ESM loader
// in this process, then the program is imported. Installed or from a checkout, same path.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
