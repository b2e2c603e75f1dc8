#!/usr/bin/env node
// Runs Baton's TypeScript sources directly (tsx), so `npx baton …` works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { run } = await import('../src/cli/main.ts');
const code = await run(process.argv.slice(2));
if (code >= 0) process.exitCode = code;
