import fs from 'node:fs';
import path from 'node:path';

/**
 * PGlite is single-process: two processes opening one data directory corrupt it. A lock file
 * holding the owner's pid (and the server URL, so the CLI can go through the running server)
 * makes the second opener refuse with a clear message instead.
 */
export interface LockInfo {
  pid: number;
  url?: string | undefined;
}

export class DataDirBusyError extends Error {
  readonly loggableMessage = true;
  constructor(readonly dataDir: string, readonly holder: LockInfo) {
    super(
      `The embedded database in ${dataDir} is in use by another Baton process (pid ${holder.pid}${holder.url ? `, serving ${holder.url}` : ''}). ` +
        'Only one process may open it at a time: stop that process first, or use PostgreSQL (DATABASE_URL) to run several.',
    );
    this.name = 'DataDirBusyError';
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

export function readLock(dataDir: string): LockInfo | null {
  try {
    const info = JSON.parse(fs.readFileSync(path.join(dataDir, 'baton.lock'), 'utf8')) as LockInfo;
    return typeof info.pid === 'number' && info.pid !== process.pid && alive(info.pid) ? info : null;
  } catch {
    return null;
  }
}

export function acquireLock(dataDir: string): { release(): void; setUrl(url: string): void } {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'baton.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify({ pid: process.pid }), { flag: 'wx' });
      return {
        release: () => fs.rmSync(file, { force: true }),
        setUrl: (url) => fs.writeFileSync(file, JSON.stringify({ pid: process.pid, url })),
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = readLock(dataDir);
      if (holder) throw new DataDirBusyError(dataDir, holder);
      // Left behind by a process that died (kill -9): safe to take over.
      fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`Could not lock ${dataDir}`);
}
