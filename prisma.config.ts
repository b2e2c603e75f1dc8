import path from 'node:path';
import { defineConfig } from 'prisma/config';

// The schema's `env("DATABASE_URL")` must resolve for every CLI command, or the CLI falls
// back to downloading a native engine (DESIGN.md §9). The embedded database has no URL, so
// the CLI gets a placeholder; Baton itself decides embedded vs PostgreSQL from the real value.
const url = process.env.DATABASE_URL;
process.env.DATABASE_URL ??= 'postgresql://embedded@localhost/baton';

export default defineConfig({
  // WebAssembly engines only: nothing native is downloaded at install or run time.
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  async adapter() {
    if (url) {
      const { PrismaPg } = await import('@prisma/adapter-pg');
      return new PrismaPg({ connectionString: url }) as never;
    }
    const { PGlite } = await import('@electric-sql/pglite');
    const { PrismaPGlite } = await import('pglite-prisma-adapter');
    // Type-only mismatch: the adapter is built against an older @prisma/driver-adapter-utils.
    return new PrismaPGlite(new PGlite(process.env.BATON_DATA_DIR ?? './data')) as never;
  },
});
