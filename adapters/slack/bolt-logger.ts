import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../src/observability/logger.ts';

/**
 * Bolt's and the WebClient's log lines, into Baton's structured log. Their debug output
 * includes request bodies (card blocks, modal values, message text), so debug is never
 * forwarded, whatever LOG_LEVEL says. Errors keep name, code and a bounded message only.
 */
export function boltLogger(logger: Logger): BoltLogger {
  const log = logger.child({ component: 'slack-sdk' });
  let level: LogLevel = LogLevel.INFO;
  const order = [LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR];
  const enabled = (l: LogLevel) => order.indexOf(l) >= order.indexOf(level);
  const render = (parts: unknown[]) => {
    const errs = parts.filter((p): p is Error => p instanceof Error).map((e) => ({ name: e.name, code: (e as { code?: unknown }).code, message: e.message.slice(0, 300) }));
    const words = parts.filter((p) => !(p instanceof Error)).map((p) => (typeof p === 'string' || typeof p === 'number' || typeof p === 'boolean' ? String(p) : '[object]')).join(' ').slice(0, 500);
    return { errs, words };
  };
  const write = (l: 'info' | 'warn' | 'error') => (...parts: unknown[]) => {
    if (!enabled(l === 'info' ? LogLevel.INFO : l === 'warn' ? LogLevel.WARN : LogLevel.ERROR)) return;
    const { errs, words } = render(parts);
    log[l](errs.length ? { errors: errs } : {}, words || errs[0]?.message || 'slack sdk');
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
