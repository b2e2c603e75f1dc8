import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { pgliteTemplate, tempDir } from '../support/databases.ts';

const run = promisify(execFile);
const BIN = path.resolve('bin/baton.js');
const dirs: string[] = [];

async function baton(args: string[], env: Record<string, string> = {}) {
  try {
    const r = await run(process.execPath, [BIN, ...args], { env: { ...process.env, LOG_LEVEL: 'silent', ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

function file(name: string, content: string) {
  const dir = tempDir();
  dirs.push(dir);
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
}

const msg = (id: string, body: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ source: 'portal', externalId: id, sentAt: '2026-12-01T14:00:00Z', patient: { id: 'pt-1', name: 'Cli Person', mrn: '12345678' }, body, ...extra });

afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('baton CLI', () => {
  it('triage prints one JSON line per message with id, category, queue, priority and red flags', async () => {
    const f = file('m.ndjson', [msg('t1', 'Please refill my metformin, I ran out'), JSON.stringify({ message: JSON.parse(msg('t2', 'I have chest pain and my left arm is numb')), expected: {} })].join('\n'));
    const r = await baton(['triage', f]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ id: 't1', category: 'rx-refill', queue: 'refills', priority: 'routine', redFlags: [] });
    expect(lines[1]).toMatchObject({ id: 't2', category: 'red-flag', queue: 'nursing', priority: 'stat' });
    expect(Object.keys(lines[1])).toEqual(['id', 'category', 'queue', 'priority', 'redFlags']);
  });

  it('--help prints the commands without loading the server, database or Prisma packages', async () => {
    // ESM importing a CommonJS package (express, pg, pino, Prisma's runtime) goes through require.cache.
    const loaded = file('loaded.cjs', "process.on('exit', () => require('fs').writeSync(2, Object.keys(require.cache).join('\\n')));");
    const r = await run(process.execPath, ['--require', loaded, BIN, '--help']);
    expect(r.stdout).toMatch(/^Usage: baton <command>\n[\s\S]*\n  serve {2,}run the server/);
    const packages = r.stderr.split('\n').flatMap((f) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f)?.[1] ?? []);
    expect(packages.filter((p) => /^(express|pg|pg-pool|@prisma\/.*|@electric-sql\/pglite|pino|prom-client|yaml|zod)$/.test(p))).toEqual([]);
  });

  it('triage into a reader that stops early (| head) exits quietly with code 0', async () => {
    const f = file('many.ndjson', Array.from({ length: 3000 }, (_, i) => msg(`p${i}`, 'Please refill my metformin, I ran out')).join('\n'));
    const child = spawn(process.execPath, [BIN, 'triage', f], { env: { ...process.env, LOG_LEVEL: 'silent' } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    // Read the first line, then close the pipe as `head -1` does; the rest (about 250 KB) cannot be written.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  }, 60_000);

  it('npm start execs the server, so the SIGTERM npm passes on reaches Baton rather than a shell', () => {
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
    expect(pkg.scripts.start).toBe('exec node bin/baton.js serve');
  });

  it('triage lists every problem in a bad file with its line and exits non-zero', async () => {
    const f = file('bad.ndjson', [msg('ok', 'hello'), '{not json', JSON.stringify({ source: 'portal' })].join('\n'));
    const r = await baton(['triage', f]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('line 2: not valid JSON');
    expect(r.stderr).toContain('line 3: externalId');
    expect(r.stderr).toContain('line 3: body');
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });

  it('config check accepts the shipped example', async () => {
    const r = await baton(['config', 'check']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^OK: .*baton\.example\.yaml/);
  });

  it('config check lists every problem of every layer with its path, in one run', async () => {
    const example = fs.readFileSync('config/baton.example.yaml', 'utf8');
    const broken = example
      .replace('timezone: America/Chicago', 'timezone: Mars/Olympus')
      .replace('members: [dana-reyes, jordan-kim]', 'members: [dana-reyes, nobody-here]')
      .replace('defaultQueue: nursing', 'defaultQueue: triage')
      .replace('claimWithin: 2h', 'claimWithin: soon');
    const r = await baton(['config', 'check', file('c.yaml', broken)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('has 4 problem(s)');
    expect(r.stderr).toContain('sla[1].claimWithin');
    expect(r.stderr).toContain('queues[1].members[1]: no staff member "nobody-here"');
    expect(r.stderr).toContain('routing.defaultQueue: no queue "triage"');
    expect(r.stderr).toContain('organization.timezone: unknown timezone "Mars/Olympus"');
  });

  it('migrate, then ingest a file into the embedded database, idempotently', async () => {
    const data = tempDir();
    dirs.push(data);
    const env = { BATON_DATA_DIR: data };
    expect((await baton(['migrate'], env)).stdout).toContain('Applied 4 migration');
    expect((await baton(['migrate'], env)).stdout).toContain('up to date');
    const f = file('in.ndjson', [msg('i1', 'Refill please, I ran out of my inhaler'), msg('i2', 'Thanks, got it!')].join('\n'));
    expect((await baton(['ingest', f], env)).stdout).toContain('2 stored, 0 already known');
    expect((await baton(['ingest', f], env)).stdout).toContain('0 stored, 2 already known');
  }, 120_000);

  it('refuses to open the embedded database a running server holds, naming the server', async () => {
    const data = tempDir();
    dirs.push(data);
    fs.cpSync(await pgliteTemplate(), data, { recursive: true }); // migrated already: the test above covers migrating
    const secret = 'cli-test-secret-0123456789';
    const server = spawn(process.execPath, [BIN, 'serve'], { env: { ...process.env, BATON_DATA_DIR: data, PORT: '0', LOG_LEVEL: 'silent', INGEST_SECRET: secret } });
    try {
      await new Promise<void>((resolve, reject) => {
        server.stdout.on('data', (d) => String(d).includes('Baton is running') && resolve());
        server.once('exit', (c) => reject(new Error(`server exited ${c}`)));
      });
      const m = await baton(['migrate'], { BATON_DATA_DIR: data });
      expect(m.code).toBe(1);
      expect(m.stderr).toContain('in use by another Baton process');
      // ingest goes through the running server's API instead, signing each request (v2); a
      // repeated line is not sent twice (its signed copy would be refused as a replay)
      const f = file('via.ndjson', [msg('v1', 'Can I book an appointment for next week?'), msg('v2', 'Can I get a copy of my records?'), msg('v1', 'Can I book an appointment for next week?')].join('\n'));
      const r = await baton(['ingest', f], { BATON_DATA_DIR: data, INGEST_SECRET: secret });
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain('sending the messages through its API');
      expect(r.stdout).toContain('2 stored, 1 already known');
    } finally {
      server.kill('SIGHUP'); // the terminal it ran in was closed: it stops cleanly too
      await new Promise((r) => server.once('exit', r));
    }
    expect(fs.existsSync(path.join(data, 'baton.lock'))).toBe(false);
  }, 120_000);

  it('rehearses a sweep and a digest at a later time without changing anything, and refuses to write as of the future', async () => {
    const data = tempDir();
    dirs.push(data);
    fs.cpSync(await pgliteTemplate(), data, { recursive: true }); // migrated already: the test above covers migrating
    const env = { BATON_DATA_DIR: data };
    const f = file('s.ndjson', msg('s1', 'I have had a rash for a week, is this normal?', { subject: 'question', sentAt: '2026-12-01T15:00:00Z' }));
    expect((await baton(['ingest', f], env)).code).toBe(0);

    const dry = await baton(['sweep', '--at', '2030-01-01T12:00:00Z', '--dry-run'], env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('Dry run of a sweep as of 2030-01-01T12:00:00.000Z; nothing was changed.');
    expect(dry.stdout).toMatch(/B-1 nursing \(routine\): unclaimed, .* past target → level 1: .*; level 2: a DM to dana-reyes .*; level 3: a DM to morgan-lee \(manager\)/);
    expect(dry.stdout).toContain('1 item(s) due: 1 would be reminded');
    expect(dry.stdout).not.toContain('rash'); // never message text
    const future = await baton(['sweep', '--at', '2030-01-01T12:00:00Z'], env);
    expect(future.code).toBe(2);
    expect(future.stderr).toMatch(/--at 2030-01-01T12:00:00.000Z is in the future: .* Add --dry-run/);
    // Nothing was spent: had the dry run recorded its levels as sent, a second one would find nothing due.
    expect((await baton(['sweep', '--at', '2030-01-01T12:00:00Z', '--dry-run'], env)).stdout).toBe(dry.stdout);
    expect((await baton(['sweep'], env)).stdout).toMatch(/^Sweep as of .*: 0 item\(s\) due/); // as of now: it only just arrived

    const digest = await baton(['digest', '--at', '2030-01-01T13:45:00Z', '--dry-run'], env);
    expect(digest.code).toBe(0);
    expect(digest.stdout).toContain('Baton daily digest for Morgan Lee');
    expect(digest.stdout).toMatch(/Nursing\s+0\s+0\s+0\s+1\s+total 1/);
    expect(digest.stdout).not.toContain('rash');
    const ahead = await baton(['digest', '--at', '2030-01-01T13:45:00Z'], env);
    expect(ahead.code).toBe(2);
    expect(ahead.stderr).toContain('is in the future');
    expect((await baton(['digest'], env)).stdout).toContain("Queued today's digest for morgan-lee");
    expect((await baton(['digest'], env)).stdout).toContain('already has');
  }, 180_000);

  it('says what is wrong with PostgreSQL and what to do, without a reference number', async () => {
    const refused = await baton(['migrate'], { DATABASE_URL: 'postgresql://postgres@127.0.0.1:5499/test' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('baton: PostgreSQL at 127.0.0.1:5499 refused the connection — is it running? Start it, or set DATABASE_URL to where it runs.\n');
    const server = process.env.TEST_DATABASE_URL;
    if (!server) return; // the rest needs a PostgreSQL server (CI has one)
    const u = new URL(server);
    u.pathname = '/baton_no_such_database';
    const missing = await baton(['sweep'], { DATABASE_URL: u.toString() });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`PostgreSQL at ${u.hostname}:${u.port || 5432} has no database "baton_no_such_database" — create it first, e.g. \`createdb`);
    expect(missing.stderr).not.toContain('unexpected error');
  });

  it('checks the port before it opens the database: a port in use is said at once and ./data is not created', async () => {
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
    const port = (taken.address() as net.AddressInfo).port;
    const data = path.join(tempDir(), 'never-created');
    try {
      const r = await baton(['serve'], { BATON_DATA_DIR: data, PORT: String(port), HOST: '127.0.0.1' });
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`baton: Port ${port} on 127.0.0.1 is in use: stop the other program or set PORT.\n`);
      expect(fs.existsSync(data)).toBe(false);
    } finally {
      taken.close();
    }
  });

  it('rejects a malformed --at with a clear message and a non-zero exit', async () => {
    const r = await baton(['sweep', '--at', 'tomorrow-ish']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--at needs an ISO-8601 date-time');
  });

  it('prints usage for an unknown command', async () => {
    const r = await baton(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unknown command "frobnicate"');
  });
});
