// `npm run build` compiles to dist/; the files Baton reads at run time (migrations, the example
// config and triage rules, the sandbox's and the console's browser assets) are copied beside the compiled code.
import fs from 'node:fs';

for (const [from, to] of [
  ['prisma/migrations', 'dist/prisma/migrations'],
  ['config', 'dist/config'],
  ['adapters/sandbox/public', 'dist/adapters/sandbox/public'],
  ['adapters/console/public', 'dist/adapters/console/public'],
]) {
  fs.cpSync(from, to, { recursive: true });
}
console.log('dist/ is ready: node dist/src/cli/run.js serve');
