// Entry point of the compiled build (`npm run build`, then `node dist/src/cli/run.js serve`).
// From sources, bin/baton.js does the same through tsx.
import { run } from './main.ts';

const code = await run(process.argv.slice(2));
if (code >= 0) process.exitCode = code;
