import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every TypeScript file under a folder, with its import specifiers. */
function importsUnder(dir: string): Array<{ file: string; specifiers: string[] }> {
  const out: Array<{ file: string; specifiers: string[] }> = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && e.name !== 'generated') walk(p);
      } else if (/\.(ts|js|mjs)$/.test(e.name)) {
        const text = fs.readFileSync(p, 'utf8');
        const specifiers = [...text.matchAll(/(?:from\s+|import\s+|import\s*\(\s*|require\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]!);
        out.push({ file: p, specifiers });
      }
    }
  };
  walk(dir);
  return out;
}

const TEAMS_SDK = /^(@microsoft\/teams-ai|botbuilder|botbuilder-[\w-]+|botframework-[\w-]+)(\/|$)/;

describe('Teams SDK boundaries (DESIGN.md §2)', () => {
  it('only adapters/teams imports @microsoft/teams-ai and botbuilder', () => {
    const offenders = [...importsUnder('src'), ...importsUnder('adapters'), ...importsUnder('bin')]
      .filter((f) => !f.file.startsWith(path.join('adapters', 'teams') + path.sep))
      .filter((f) => f.specifiers.some((s) => TEAMS_SDK.test(s)))
      .map((f) => f.file);
    expect(offenders).toEqual([]);
  });

  it('adapters/teams imports neither the store nor another adapter', () => {
    const offenders = importsUnder(path.join('adapters', 'teams')).flatMap((f) =>
      f.specifiers
        .filter((s) => s.startsWith('.'))
        .map((s) => path.relative('.', path.resolve(path.dirname(f.file), s)))
        .filter((target) => target.startsWith(path.join('src', 'store')) || (target.startsWith('adapters' + path.sep) && !target.startsWith(path.join('adapters', 'teams'))))
        .map((target) => `${f.file} → ${target}`),
    );
    expect(offenders).toEqual([]);
  });
});
