import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { describeLeaks, phiFixtures, PhiScanner } from './phi-scan.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where every test process appends its log lines (BATON_LOG_TAP, set by log-tap.setup.ts). */
    logTapDir: string;
  }
}

/**
 * vitest globalSetup: one log sink for the whole run. Each worker (and every `baton` process a
 * test spawns, which inherits BATON_LOG_TAP) appends every log line, at every level, to a file in
 * one directory; when the run ends, those files are searched for every patient name, MRN,
 * subject and body in the test fixtures, and any hit fails the run (DESIGN.md §6).
 * BATON_KEEP_TEST_LOGS=1 keeps the directory for a look afterwards.
 */
export default function setup(project: TestProject) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-test-logs-'));
  project.provide('logTapDir', dir);
  return () => {
    const files = fs.readdirSync(dir).map((f) => path.join(dir, f));
    const leaks = new PhiScanner(phiFixtures()).scanFiles(files);
    const lines = files.reduce((n, f) => n + fs.readFileSync(f, 'utf8').split('\n').length - 1, 0);
    if (!process.env.BATON_KEEP_TEST_LOGS && !leaks.length) fs.rmSync(dir, { recursive: true, force: true });
    if (leaks.length) {
      // vitest reports an error thrown here but keeps the exit code of the tests: fail the run ourselves.
      process.exitCode = 1;
      throw new Error(`Patient data in the test logs (${leaks.length} hit(s) in ${lines} lines from ${files.length} file(s); kept in ${dir}):\n${describeLeaks(leaks)}`);
    }
    process.stdout.write(`no patient data in ${lines} log lines from ${files.length} test process(es)\n`);
  };
}
