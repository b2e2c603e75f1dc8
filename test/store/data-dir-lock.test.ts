import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireLock, DataDirBusyError, holdsLock, linuxProcesses, readLock, type ProcessTable } from '../../src/store/data-dir-lock.ts';
import { openDatabase } from '../../src/store/database.ts';
import { tempDir } from '../support/databases.ts';

const writeLock = (dir: string, info: object, writtenAt?: Date) => {
  const file = path.join(dir, 'baton.lock');
  fs.writeFileSync(file, JSON.stringify(info));
  if (writtenAt) fs.utimesSync(file, writtenAt, writtenAt);
};
const lockOf = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'baton.lock'), 'utf8'));

/** A live process that is not Baton (think: the pid a stale lock names, reused after a reboot). */
function bystander(): Promise<ChildProcess> {
  const p = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  return new Promise((resolve) => setTimeout(() => resolve(p), 300));
}

describe.skipIf(process.platform !== 'linux')('the embedded database lock on Linux', () => {
  let other: ChildProcess;
  const dirs: string[] = [];
  const dir = () => {
    const d = tempDir('baton-lock-');
    dirs.push(d);
    return d;
  };
  beforeAll(async () => {
    other = await bystander();
  });
  afterAll(() => {
    other.kill();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('records the owner’s pid, start time and boot id', () => {
    const d = dir();
    const lock = acquireLock(d);
    expect(lockOf(d)).toEqual({ pid: process.pid, startTime: linuxProcesses.startTime(process.pid), bootId: linuxProcesses.bootId() });
    expect(lockOf(d).startTime).toMatch(/^\d+$/);
    lock.setUrl('http://127.0.0.1:3000');
    expect(lockOf(d)).toMatchObject({ pid: process.pid, url: 'http://127.0.0.1:3000' });
    lock.release();
    expect(fs.existsSync(path.join(d, 'baton.lock'))).toBe(false);
  });

  it('refuses while the process that wrote the lock is running', () => {
    const d = dir();
    writeLock(d, { pid: other.pid, startTime: linuxProcesses.startTime(other.pid!), bootId: linuxProcesses.bootId(), url: 'http://127.0.0.1:4000' });
    expect(() => acquireLock(d)).toThrow(DataDirBusyError);
    expect(readLock(d)).toMatchObject({ pid: other.pid, url: 'http://127.0.0.1:4000' });
  });

  it('takes over a lock whose pid is alive but started at another time (the pid was reused)', () => {
    const d = dir();
    writeLock(d, { pid: other.pid, startTime: '12345', bootId: linuxProcesses.bootId(), url: 'http://127.0.0.1:4000' });
    expect(readLock(d)).toBeNull();
    const lock = acquireLock(d);
    expect(lockOf(d).pid).toBe(process.pid);
    lock.release();
  });

  it('takes over a lock written before a reboot, whatever its pid', () => {
    const d = dir();
    writeLock(d, { pid: other.pid, startTime: linuxProcesses.startTime(other.pid!), bootId: '00000000-0000-0000-0000-000000000000' });
    expect(readLock(d)).toBeNull();
    acquireLock(d).release();
  });

  it('takes over a lock of a dead process, and one naming this very process (a restarted container)', () => {
    const d = dir();
    writeLock(d, { pid: 2 ** 22 + 17, startTime: '1' }); // above pid_max: never alive
    acquireLock(d).release();
    writeLock(d, { pid: process.pid, startTime: '1' });
    acquireLock(d).release();
  });

  it('reads a pid-only lock from an older version: stale if that pid started after the lock was written', () => {
    const d = dir();
    writeLock(d, { pid: other.pid }, new Date(Date.now() - 3_600_000));
    expect(readLock(d)).toBeNull();
    writeLock(d, { pid: other.pid }, new Date());
    expect(readLock(d)).toMatchObject({ pid: other.pid });
    expect(() => acquireLock(d)).toThrow(DataDirBusyError);
  });

  it('never removes a lock another process took over', () => {
    const d = dir();
    const lock = acquireLock(d);
    writeLock(d, { pid: other.pid, startTime: linuxProcesses.startTime(other.pid!), bootId: linuxProcesses.bootId() });
    lock.release();
    expect(lockOf(d).pid).toBe(other.pid);
  });

  it('lets the server open a data directory whose lock names a live but unrelated process', async () => {
    const d = dir();
    writeLock(d, { pid: other.pid, startTime: '12345', bootId: linuxProcesses.bootId() });
    const db = await openDatabase({ dataDir: d });
    try {
      expect(lockOf(d).pid).toBe(process.pid);
    } finally {
      await db.close();
    }
    expect(fs.existsSync(path.join(d, 'baton.lock'))).toBe(false);
  });
});

describe('whether a lock is held, on any system', () => {
  const table = (o: Partial<ProcessTable>): ProcessTable => ({ alive: () => true, startTime: () => undefined, bootId: () => undefined, startedAtMs: () => undefined, ...o });

  it.each([
    ['a live pid where start times cannot be read (not Linux)', table({}), { pid: 10, startTime: '5' }, true],
    ['a dead pid', table({ alive: () => false }), { pid: 10, startTime: '5' }, false],
    ['the same start time', table({ startTime: () => '5', bootId: () => 'b' }), { pid: 10, startTime: '5', bootId: 'b' }, true],
    ['another start time', table({ startTime: () => '6', bootId: () => 'b' }), { pid: 10, startTime: '5', bootId: 'b' }, false],
    ['another boot', table({ startTime: () => '5', bootId: () => 'c' }), { pid: 10, startTime: '5', bootId: 'b' }, false],
    ['a pid-only lock, its pid started before it was written', table({ startedAtMs: () => 1_000 }), { pid: 10 }, true],
    ['a pid-only lock, its pid started after it was written', table({ startedAtMs: () => 10_000 }), { pid: 10 }, false],
  ])('%s', (_what, procs, info, held) => {
    expect(holdsLock(info, 5_000, procs)).toBe(held);
  });
});
