// Run by `npm ci` / `npm install` (postinstall): makes the two things a first start would
// otherwise make, so the first `npm start` on a new machine takes ~2 s, not ~5 s (issue #14):
// the initialised PGlite cluster new data directories are copied from (src/store/pglite-template.ts)
// and the spelling keep-list of the shipped triage rules (src/config/spelling-cache.ts). Both
// live in the user's cache. Best effort: a failure here never fails the install; Baton then
// makes them at its first start, as it would anyway.
import { loadConfig } from '../src/config/load.ts';
import { defaultTemplateDir, ensureTemplate } from '../src/store/pglite-template.ts';

const t0 = performance.now();
try {
  const dir = defaultTemplateDir();
  if (dir) await ensureTemplate(dir);
  loadConfig();
  console.log(`baton: embedded database template and triage spelling cache ready (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
} catch (e) {
  console.log(`baton: could not prepare the first-start cache (${(e as Error).message}); the first start will make it instead`);
}
