import fs from 'node:fs';
import path from 'node:path';

/**
 * PGlite is single-process: two processes opening one data directory corrupt it. A lock file
 * holding the owner's pid (and the server URL, so the CLI can go through the running server)
 * makes the second opener refuse with a clear message instead.
 *
 * A pid alone is not an identity: after a crash or a reboot the pid in a stale lock is often
 * reused by an unrelated process (in a container, Baton is pid 1 every time), which would block
 * `serve` forever. So the lock also records the process's start time and the kernel's boot id
 * (Linux: `/proc/<pid>/stat` field 22, `/proc/sys/kernel/random/boot_id`). A lock is held only
 * if its pid is alive *and* is still the process that wrote it.
 */
export interface LockInfo {
  pid: number;
  url?: string | undefined;
  /** `/proc/<pid>/stat` starttime (clock ticks since boot) of the owner; absent off Linux. */
  startTime?: string | undefined;
  /** `/proc/sys/kernel/random/boot_id` when the lock was written; absent off Linux. */
  bootId?: string | undefined;
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

/** Where the kernel says who a process is; replaceable in tests. */
export interface ProcessTable {
  alive(pid: number): boolean;
  /** The process's start time, or undefined where that cannot be read (not Linux, gone). */
  startTime(pid: number): string | undefined;
  bootId(): string | undefined;
  /** The process's start as wall-clock milliseconds, for locks that did not record a start time. */
  startedAtMs(pid: number): number | undefined;
}

const read = (file: string) => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

/** Fields of /proc/<pid>/stat after the command name, which is in parentheses and may hold spaces or ')'. */
function statFields(pid: number): string[] | undefined {
  const stat = read(`/proc/${pid}/stat`);
  const end = stat?.lastIndexOf(')') ?? -1;
  return stat && end > 0 ? stat.slice(end + 2).trim().split(/\s+/) : undefined;
}

/** Field 22 (starttime) is the 20th after the command name (field 3 is the first). */
const START_FIELD = 22 - 3;
/** USER_HZ: 100 on every mainstream Linux build (sysconf(_SC_CLK_TCK)), which Node cannot query. */
const CLOCK_TICKS_PER_SECOND = 100;

export const linuxProcesses: ProcessTable = {
  alive(pid) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'EPERM';
    }
  },
  startTime: (pid) => statFields(pid)?.[START_FIELD],
  bootId: () => read('/proc/sys/kernel/random/boot_id')?.trim() || undefined,
  startedAtMs(pid) {
    const ticks = Number(statFields(pid)?.[START_FIELD]);
    const btime = Number(/^btime (\d+)$/m.exec(read('/proc/stat') ?? '')?.[1]);
    return Number.isFinite(ticks) && Number.isFinite(btime) && btime > 0 ? btime * 1000 + (ticks / CLOCK_TICKS_PER_SECOND) * 1000 : undefined;
  },
};

/** btime has whole seconds and starttime ticks; allow for both when comparing with a file time. */
const START_SLACK_MS = 2_000;

/**
 * Is the process named in the lock still the one that wrote it? A dead pid, a pid started after
 * the lock was last written, a different boot or a different start time all mean the writer is
 * gone (kill -9, a crash, a reboot) and the pid now belongs to someone else.
 */
export function holdsLock(info: LockInfo, lockWrittenAtMs: number | undefined, procs: ProcessTable = linuxProcesses): boolean {
  if (!procs.alive(info.pid)) return false;
  const boot = procs.bootId();
  if (info.bootId && boot && info.bootId !== boot) return false;
  if (info.startTime) {
    const now = procs.startTime(info.pid);
    return now === undefined || now === info.startTime; // unreadable (another OS): trust the live pid
  }
  // A lock from a version that recorded only the pid: its writer started before it wrote the file.
  const started = procs.startedAtMs(info.pid);
  if (started !== undefined && lockWrittenAtMs !== undefined && started > lockWrittenAtMs + START_SLACK_MS) return false;
  return true;
}

const lockFile = (dataDir: string) => path.join(dataDir, 'baton.lock');

function parse(text: string): LockInfo | null {
  try {
    const info = JSON.parse(text) as LockInfo;
    return typeof info.pid === 'number' && Number.isInteger(info.pid) && info.pid > 0 ? info : null;
  } catch {
    return null;
  }
}

/** The live holder of the data directory's lock, if another process holds it. */
export function readLock(dataDir: string, procs: ProcessTable = linuxProcesses): LockInfo | null {
  const file = lockFile(dataDir);
  const text = read(file);
  const info = text === undefined ? null : parse(text);
  if (!info) return null;
  // Our own pid: this process (which may take its own lock again), or a predecessor that had the
  // same pid (a container restarted: Baton is pid 1 every time). Either way nobody else holds it.
  if (info.pid === process.pid) return null;
  let written: number | undefined;
  try {
    written = fs.statSync(file).mtimeMs;
  } catch {
    return null;
  }
  return holdsLock(info, written, procs) ? info : null;
}

export function acquireLock(dataDir: string, procs: ProcessTable = linuxProcesses): { release(): void; setUrl(url: string): void } {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = lockFile(dataDir);
  const mine: LockInfo = { pid: process.pid, startTime: procs.startTime(process.pid), bootId: procs.bootId() };
  const write = (info: LockInfo, flag: 'wx' | 'w') => fs.writeFileSync(file, JSON.stringify(info), { flag });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      write(mine, 'wx');
      return {
        release: () => {
          // Only our own lock: never one a successor took over after we were presumed dead.
          const now = parse(read(file) ?? '');
          if (now?.pid === mine.pid && now.startTime === mine.startTime) fs.rmSync(file, { force: true });
        },
        setUrl: (url) => write({ ...mine, url }, 'w'),
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const stale = read(file);
      const holder = readLock(dataDir, procs);
      if (holder) throw new DataDirBusyError(dataDir, holder);
      // Left behind by a process that is gone (kill -9, a crash, a reboot): take it over, unless
      // another starting process replaced it in the meantime (then the next attempt sees theirs).
      if (read(file) === stale) fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`Could not lock ${dataDir}`);
}
