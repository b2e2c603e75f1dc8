import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataDirBusyError, linuxProcesses } from '../../src/store/data-dir-lock.ts';
import { openDatabase } from '../../src/store/database.ts';
import { migrationFiles } from '../../src/store/migrate.ts';
import { seedFromTemplate } from '../../src/store/pglite-template.ts';
import { tempDir } from '../support/databases.ts';

const dirs: string[] = [];
const dir = (prefix = 'baton-tpl-') => {
  const d = tempDir(prefix);
  dirs.push(d);
  return d;
};
const templateRoot = dir('baton-tpl-cache-');
const template = path.join(templateRoot, 'pglite');
const has = (d: string, name: string) => fs.existsSync(path.join(d, name));

afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('a new embedded data directory from the PGlite template', () => {
  beforeAll(async () => {
    // Made by the first data directory that needs it, in its own folder; later ones are copies.
    const db = await openDatabase({ dataDir: dir(), templateDir: template });
    await db.close();
  }, 120_000);

  it('leaves an initialised, unmigrated cluster in the template, without any lock or leftover folder', () => {
    expect(has(template, 'PG_VERSION')).toBe(true);
    expect(has(template, 'baton.lock')).toBe(false);
    expect(fs.readdirSync(templateRoot)).toEqual(['pglite']);
  });

  it('is migrated by Baton like any new directory and is usable', async () => {
    const d = dir();
    const db = await openDatabase({ dataDir: d, templateDir: template });
    try {
      expect(await db.pending()).toEqual(migrationFiles().map((m) => m.name));
      expect(await db.migrate()).toEqual(migrationFiles().map((m) => m.name));
      expect(await db.pending()).toEqual([]);
      expect(await db.prisma.workItem.count()).toBe(0);
      expect(await db.sql.query('SELECT count(*)::int AS n FROM "_prisma_migrations"')).toEqual([{ n: migrationFiles().length }]);
      expect(JSON.parse(fs.readFileSync(path.join(d, 'baton.lock'), 'utf8')).pid).toBe(process.pid);
    } finally {
      await db.close();
    }
    const again = await openDatabase({ dataDir: d, templateDir: template });
    await again.close();
  }, 60_000);

  it('never replaces an existing database', async () => {
    const d = dir();
    const db = await openDatabase({ dataDir: d, templateDir: template });
    await db.migrate();
    await db.sql.exec(`CREATE TABLE kept (x int); INSERT INTO kept VALUES (7)`);
    await db.close();
    expect(await seedFromTemplate(d, template)).toBe(false);
    const reopened = await openDatabase({ dataDir: d, templateDir: template });
    try {
      expect(await reopened.sql.query('SELECT x FROM kept')).toEqual([{ x: 7 }]);
    } finally {
      await reopened.close();
    }
  }, 60_000);

  it('copies again over a copy cut short (no PG_VERSION yet)', async () => {
    const d = dir();
    fs.cpSync(template, d, { recursive: true, filter: (from) => !from.endsWith('PG_VERSION') && !from.includes(`${path.sep}base${path.sep}`) });
    expect(await seedFromTemplate(d, template)).toBe(true);
    const db = await openDatabase({ dataDir: d, templateDir: template });
    try {
      expect(await db.migrate()).toHaveLength(migrationFiles().length);
    } finally {
      await db.close();
    }
  }, 60_000);

  it.skipIf(process.platform !== 'linux')('is not copied into a directory another live Baton process holds', async () => {
    const other: ChildProcess = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const d = dir();
      fs.writeFileSync(path.join(d, 'baton.lock'), JSON.stringify({ pid: other.pid, startTime: linuxProcesses.startTime(other.pid!), bootId: linuxProcesses.bootId() }));
      await expect(openDatabase({ dataDir: d, templateDir: template })).rejects.toBeInstanceOf(DataDirBusyError);
      expect(fs.readdirSync(d)).toEqual(['baton.lock']);
    } finally {
      other.kill();
    }
  });
});
