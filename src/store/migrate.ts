import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface SqlRunner {
  /** Runs one or more statements (simple protocol: multi-statement migration files are fine). */
  exec(text: string): Promise<void>;
  query(text: string, params?: unknown[]): Promise<Array<Record<string, unknown>>>;
}

const MIGRATIONS_DIR = fileURLToPath(new URL('../../prisma/migrations/', import.meta.url));

/**
 * Applies `prisma/migrations/*\/migration.sql` in order, recording them in Prisma's own
 * `_prisma_migrations` table, so `prisma migrate status|deploy` agree with Baton. Baton applies
 * them in-process because `prisma migrate deploy` would need a second process to open the
 * embedded database, which PGlite does not allow (DESIGN.md §9).
 */
export function migrationFiles(): Array<{ name: string; sql: string; checksum: string }> {
  return fs
    .readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(`${MIGRATIONS_DIR}${name}/migration.sql`, 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

const TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

async function applied(sql: SqlRunner): Promise<Set<string>> {
  const exists = await sql.query(`SELECT to_regclass('"_prisma_migrations"') AS t`);
  if (!exists[0]?.t) return new Set();
  const rows = await sql.query(`SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`);
  return new Set(rows.map((r) => String(r.migration_name)));
}

export async function pendingMigrations(sql: SqlRunner): Promise<string[]> {
  const done = await applied(sql);
  return migrationFiles().map((m) => m.name).filter((n) => !done.has(n));
}

/** Applies pending migrations, each in its own transaction; returns their names. */
export async function applyMigrations(sql: SqlRunner): Promise<string[]> {
  // Several instances may start at once on one PostgreSQL: an advisory lock serialises them.
  await sql.exec(`SELECT pg_advisory_lock(72616001)`);
  try {
    await sql.exec(TABLE);
    const done = await applied(sql);
    const ran: string[] = [];
    for (const m of migrationFiles()) {
      if (done.has(m.name)) continue;
      if (!/^[0-9A-Za-z_]+$/.test(m.name)) throw new Error(`Migration folder name ${m.name} must use letters, digits and _ only`);
      // The migration and its record commit together: a crash leaves neither.
      await sql.exec(
        `BEGIN;\n${m.sql}\n;INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) ` +
          `VALUES ('${randomUUID()}', '${m.checksum}', now(), '${m.name}', 1);\nCOMMIT;`,
      );
      ran.push(m.name);
    }
    return ran;
  } catch (e) {
    await sql.exec('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    await sql.exec(`SELECT pg_advisory_unlock(72616001)`);
  }
}
