import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const BIN = path.resolve('bin/baton.js');

/** Starts a real `baton serve` process on an ephemeral port; resolves with its URL once it serves. */
export function spawnServe(env: Record<string, string>): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, [BIN, 'serve'], { env: { ...process.env, PORT: '0', LOG_LEVEL: 'silent', ...env } });
  return new Promise((resolve, reject) => {
    proc.stdout!.on('data', (d) => {
      const m = /running at (http:\/\/\S+)/.exec(String(d));
      if (m) resolve({ proc, url: m[1]! });
    });
    proc.once('exit', (code) => reject(new Error(`baton serve exited with ${code}`)));
  });
}
