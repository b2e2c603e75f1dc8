/**
 * Demo feed: sends realistic sample portal messages through Baton's ingestion API over time,
 * so the sandbox fills up the way a clinic's morning does.
 *
 *   node --import tsx demo/feed.ts [--url http://127.0.0.1:3000] [--every 5s] [--limit N] [--file F]
 *
 * INGEST_SECRET is used to sign requests when set (the server requires it when it is set there).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseInterval, runFeed } from './send-messages.ts';

const USAGE = 'usage: node --import tsx demo/feed.ts [--url http://127.0.0.1:3000] [--every 5s] [--limit N] [--file messages.ndjson]';

function parseArgs(argv: string[]) {
  const o = {
    url: `http://127.0.0.1:${process.env.PORT ?? 3000}`,
    everyMs: 5_000,
    file: path.join(path.dirname(fileURLToPath(import.meta.url)), 'messages.ndjson'),
    limit: undefined as number | undefined,
  };
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[++i];
    if (value === undefined) problems.push(`${flag} needs a value`);
    else if (flag === '--url') o.url = value;
    else if (flag === '--file') o.file = value;
    else if (flag === '--every') {
      const ms = parseInterval(value);
      if (ms === null) problems.push(`--every: "${value}" is not a duration such as 5s, 500ms or 1m`);
      else o.everyMs = ms;
    } else if (flag === '--limit') {
      if (!/^\d+$/.test(value)) problems.push(`--limit: "${value}" is not a whole number`);
      else o.limit = Number(value);
    } else problems.push(`unknown option ${flag}`);
  }
  return { o, problems };
}

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
const { o, problems } = parseArgs(args);
if (problems.length) {
  console.error([...problems, USAGE].join('\n'));
  process.exit(2);
}
try {
  const r = await runFeed({ ...o, secret: process.env.INGEST_SECRET || undefined });
  console.log(`Done: ${r.sent} messages sent. Open ${o.url}/ to work them.`);
} catch (e) {
  console.error((e as Error).message);
  process.exit(1);
}
