#!/usr/bin/env node
// `wasm-leaks run scenario.js` (the package's bin, lib/bin.js once built): see main.ts.
import { main } from './main';

process.exitCode = await main(process.argv.slice(2));
