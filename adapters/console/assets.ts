import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Router } from 'express';

const PUBLIC = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public');
const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml' };

/**
 * Chart.js's self-contained build, from the npm package (node_modules/chart.js/dist), served by
 * Baton: the console needs no CDN and no network beyond Baton itself. Its package `exports`
 * names only the module entry points, so the file is found beside them.
 */
function chartJs() {
  const entry = createRequire(import.meta.url).resolve('chart.js');
  return fs.readFileSync(path.join(path.dirname(entry), 'chart.umd.min.js'));
}

/** Read once at start: the console's files are part of the release, not user content. */
function load() {
  const files = new Map(fs.readdirSync(PUBLIC).filter((f) => TYPES[path.extname(f)]).map((f) => [f, fs.readFileSync(path.join(PUBLIC, f))]));
  files.set('chart.umd.min.js', chartJs());
  return files;
}

/** `GET /console/assets/<file>`: styles, the page script and Chart.js, open without a session (they hold no data). */
export function assetRoutes(): Router {
  const files = load();
  const r = Router();
  r.get('/console/assets/:file', (req, res, next) => {
    const name = String(req.params.file);
    const file = files.get(name);
    if (!file) return next();
    res.set({ 'Content-Type': TYPES[path.extname(name)]!, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' }).send(file);
  });
  return r;
}
