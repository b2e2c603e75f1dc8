import path from 'node:path';
import { inject } from 'vitest';

// vitest setupFiles: runs in every test worker before its test files are loaded, so every logger
// they create (createLogger honours BATON_LOG_TAP) and every process they spawn writes its log
// lines into the run's sink as well. Checked at the end of the run by phi-log-check.ts.
process.env.BATON_LOG_TAP = path.join(inject('logTapDir'), `${process.pid}.ndjson`);
