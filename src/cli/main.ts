import { errorSummary } from '../observability/error-facts.ts';
import { quietWhenStdoutCloses, UsageError } from './usage.ts';

// Each command's modules are imported when it runs: `baton --help` or `baton triage` must not
// load express, pg, Prisma and PGlite first (issue #14: that was most of a second per start).
const commands = () => import('./commands.ts');

const HELP = `Usage: baton <command>

Commands:
  serve                    run the server (default of npm start)
  migrate                  apply pending database migrations
  ingest <file>            ingest a JSON / NDJSON file of messages (generic or FHIR)
  triage [--explain] <file>
                           dry run: one JSON line per message with its category, queue, priority, red flags;
                           --explain adds the rules, matched words and modifiers behind each (prints patient text)
  sweep [--at <ISO-8601>] [--dry-run]
                           run one SLA sweep (reminders, escalations, snooze ends) as of a time;
                           --dry-run prints what it would do per item and changes nothing
  digest [--at <ISO-8601>] [--dry-run]
                           queue managers' daily digests as of a time; --dry-run prints them and changes nothing
                           (a future --at needs --dry-run: nothing is recorded as sent ahead of time)
  config check [<file>]    validate a config file and its triage rules, running the rules' own examples
                           (default: BATON_CONFIG or the shipped example)
  config reload            ask the running server on this machine to read its config files again (as SIGHUP
                           does); prints what changed, or every problem (and the server keeps its config)

Environment: DATABASE_URL, BATON_DATA_DIR, BATON_CONFIG, PORT, HOST, INGEST_SECRET (see README).`;

export async function run(argv: string[]): Promise<number> {
  const [cmd, ...args] = argv;
  quietWhenStdoutCloses();
  try {
    switch (cmd) {
      case 'serve':
        await (await commands()).serve();
        return -1; // keeps running
      case 'migrate':
        await (await commands()).migrate();
        return 0;
      case 'ingest':
        await (await commands()).ingestFile(args[0]);
        return 0;
      case 'triage': {
        const [{ triageFile }, { cliConfig }] = await Promise.all([import('./triage-commands.ts'), import('./cli-support.ts')]);
        triageFile(args, cliConfig());
        return 0;
      }
      case 'sweep':
        await (await import('./schedule-commands.ts')).sweepCommand(args);
        return 0;
      case 'digest':
        await (await import('./schedule-commands.ts')).digestCommand(args);
        return 0;
      case 'config':
        if (args[0] === 'check') (await import('./config-check.ts')).configCheck(args[1]);
        else if (args[0] === 'reload' && args.length === 1) await (await import('./config-reload.ts')).configReload();
        else throw new UsageError('Usage: baton config check [<file>] | baton config reload', 2);
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(`${HELP}\n`);
        return cmd ? 0 : 2;
      default:
        throw new UsageError(`Unknown command "${cmd}".\n\n${HELP}`, 2);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`baton: ${e.message}\n`);
      return e.exitCode;
    }
    const ref = Math.random().toString(36).slice(2, 10);
    // A plain Error is Baton's own ("Teams: TEAMS_APP_ID is not set…") or Node's (a path): its
    // message helps. Anything else — a Prisma or driver error quoting query parameters, an HTTP
    // client's error quoting a body — is named by class and code only (DESIGN.md §6).
    const said = e instanceof Error && e.constructor === Error ? e.message : errorSummary(e);
    process.stderr.write(`baton: unexpected error (reference ${ref}): ${said}\n`);
    // Opt-in, on the operator's own terminal: the full stack, which may quote patient data.
    if (process.env.BATON_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    return 1;
  }
}
