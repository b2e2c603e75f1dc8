import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import { errorSummary } from '../../src/observability/error-facts.ts';
import type { Logger } from '../../src/observability/logger.ts';

/**
 * Bolt's and the WebClient's log lines, into Baton's structured log. Their debug output
 * includes request bodies (card blocks, modal values, message text), so debug is never
 * forwarded, whatever LOG_LEVEL says. Errors keep their class and codes only (the logger's `errors` serializer).
 */
export function boltLogger(logger: Logger): BoltLogger {
  const log = logger.child({ component: 'slack-sdk' });
  let level: LogLevel = LogLevel.INFO;
  const order = [LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR];
  const enabled = (l: LogLevel) => order.indexOf(l) >= order.indexOf(level);
  const render = (parts: unknown[]) => {
    // Class and codes only: an error's message can quote a request body or, from below, patient data.
    const errs = parts.filter((p): p is Error => p instanceof Error);
    // The SDK interpolates details after a colon or a parenthesis ("Failed to parse the request
    // body: <parser message>", "…processed (type: …, error: <the error's message>)"): keep its words before them.
    const words = parts.filter((p) => !(p instanceof Error)).map((p) => (typeof p === 'string' ? p.split(/[:(]/, 1)[0]!.trim() : typeof p === 'number' || typeof p === 'boolean' ? String(p) : '[object]')).join(' ').slice(0, 500);
    return { errs, words };
  };
  const write = (l: 'info' | 'warn' | 'error') => (...parts: unknown[]) => {
    if (!enabled(l === 'info' ? LogLevel.INFO : l === 'warn' ? LogLevel.WARN : LogLevel.ERROR)) return;
    const { errs, words } = render(parts);
    log[l](errs.length ? { errors: errs } : {}, words || (errs.length ? `slack sdk: ${errorSummary(errs[0])}` : 'slack sdk'));
  };
  return {
    debug: () => {},
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    setLevel: (l: LogLevel) => {
      level = l === LogLevel.DEBUG ? LogLevel.INFO : l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
