import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** The layer rules of DESIGN.md §2 / STYLE.md, checked mechanically on every import. */
function sources(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return d.name === 'generated' || d.name === 'public' ? [] : sources(p);
    return /\.(ts|js)$/.test(d.name) ? [p] : [];
  });
}

function imports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]!);
}

/** Resolves a relative import to a repo-relative path; package imports stay as they are. */
const target = (file: string, spec: string) => (spec.startsWith('.') ? path.relative('.', path.resolve(path.dirname(file), spec)) : spec);

const SDKS: Record<string, RegExp> = {
  slack: /^@slack\//,
  teams: /^(@microsoft\/teams-ai|botbuilder|botframework-)/,
  // The console's OpenID Connect client: the identity provider is the console's outside world.
  console: /^(openid-client|oauth4webapi|jose)$/,
};
const DB = /^(@prisma\/|prisma|pg$|@electric-sql\/pglite|pglite-prisma-adapter)/;

function violations(files: string[], rule: (file: string, to: string) => string | null): string[] {
  return files.flatMap((f) => imports(f).map((spec) => rule(f, target(f, spec))).filter((v): v is string => v !== null));
}

describe('architecture', () => {
  const src = sources('src');
  const adapters = sources('adapters');

  it('keeps src/domain pure: no I/O, no SDKs, nothing outside the domain but luxon', () => {
    expect(violations(sources('src/domain'), (f, to) => (to.startsWith('src/domain') || to === 'luxon' ? null : `${f} → ${to}`))).toEqual([]);
  });

  it('lets only src/store touch Prisma and the database drivers', () => {
    const outside = [...src, ...adapters].filter((f) => !f.startsWith('src/store'));
    expect(violations(outside, (f, to) => (DB.test(to) || to.startsWith('src/store') ? `${f} → ${to}` : null)).filter((v) => !v.startsWith('src/main.ts') && !v.startsWith('src/cli/setup.ts'))).toEqual([]);
  });

  it('keeps each platform SDK inside its own adapter folder', () => {
    const v = violations([...src, ...adapters], (f, to) => {
      for (const [platform, sdk] of Object.entries(SDKS)) if (sdk.test(to) && !f.startsWith(`adapters/${platform}/`)) return `${f} → ${to}`;
      return null;
    });
    expect(v).toEqual([]);
  });

  it('never lets an adapter import another adapter, the store or main.ts', () => {
    const v = violations(adapters, (f, to) => {
      const own = f.split(path.sep).slice(0, 2).join('/');
      if (to.startsWith('adapters/') && !to.startsWith(own)) return `${f} → ${to}`;
      if (to.startsWith('src/store') || to === 'src/main.ts') return `${f} → ${to}`;
      return null;
    });
    expect(v).toEqual([]);
  });

  it('keeps use cases free of platforms and Prisma (they talk through ports)', () => {
    expect(violations(sources('src/app'), (f, to) => (to.startsWith('adapters/') || to.startsWith('src/store') || to.startsWith('src/http') || DB.test(to) ? `${f} → ${to}` : null))).toEqual([]);
  });

  it('has only the CLI setup module import main.ts, the composition root', () => {
    expect(violations([...src, ...adapters], (f, to) => (to === 'src/main.ts' && f !== 'src/cli/setup.ts' ? `${f} → ${to}` : null))).toEqual([]);
  });
});
