/**
 * Why PostgreSQL could not be opened, said so the clinic's IT person can act on it, instead of a
 * driver's `connect ECONNREFUSED 127.0.0.1:5499` or SQLSTATE 3D000.
 *
 * The message is composed here from the URL's host, port, database and user (never its
 * password) and the driver's error code, so it may be logged (`loggableMessage`, see
 * src/observability/error-facts.ts).
 */
export class DatabaseUnavailable extends Error {
  readonly loggableMessage = true;
  constructor(message: string, readonly code: string) {
    super(message);
    this.name = 'DatabaseUnavailable';
  }
}

interface Target {
  host: string;
  port: string;
  database: string;
  user: string;
}

export function targetOf(url: string): Target {
  try {
    const u = new URL(url);
    return {
      host: decodeURIComponent(u.hostname) || 'localhost',
      port: u.port || '5432',
      database: decodeURIComponent(u.pathname.replace(/^\//, '')) || decodeURIComponent(u.username) || 'postgres',
      user: decodeURIComponent(u.username) || 'postgres',
    };
  } catch {
    return { host: 'localhost', port: '5432', database: '(from DATABASE_URL)', user: '(from DATABASE_URL)' };
  }
}

/** node-postgres reports a refused connection to a name with several addresses as an AggregateError. */
function codeOf(e: unknown): string | undefined {
  if (!e || typeof e !== 'object') return undefined;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const inner = (e as { errors?: unknown }).errors;
  if (Array.isArray(inner)) for (const x of inner) if (codeOf(x)) return codeOf(x);
  return undefined;
}

/**
 * `undefined` when the error is not one of opening a connection (a failing query, a bug): it
 * then goes on as it was. The codes are node's (`ECONNREFUSED`…) and PostgreSQL's SQLSTATEs
 * (https://www.postgresql.org/docs/current/errcodes-appendix.html).
 */
export function explainConnectionError(e: unknown, url: string): DatabaseUnavailable | undefined {
  const code = codeOf(e);
  if (!code) return undefined;
  const t = targetOf(url);
  const at = `PostgreSQL at ${t.host}:${t.port}`;
  const says = (message: string) => new DatabaseUnavailable(message, code);
  switch (code) {
    case 'ECONNREFUSED':
      return says(`${at} refused the connection — is it running? Start it, or set DATABASE_URL to where it runs.`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return says(`The host "${t.host}" in DATABASE_URL cannot be found — check its spelling and this machine's DNS.`);
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return says(`${at} did not answer (${code}) — check the host, the port and any firewall between them.`);
    case 'ECONNRESET':
      return says(`${at} closed the connection while Baton was connecting — check that it is PostgreSQL on that port and that it accepts connections from this machine (pg_hba.conf).`);
    case '3D000':
      return says(`${at} has no database "${t.database}" — create it first, e.g. \`createdb -h ${t.host} -p ${t.port} -U ${t.user} ${t.database}\`, then start Baton again (it creates its tables itself).`);
    case '28P01':
      return says(`${at} refused the password of user "${t.user}" — check the password in DATABASE_URL.`);
    case '28000':
      return says(`${at} does not let user "${t.user}" connect to "${t.database}" — the role may not exist (\`createuser ${t.user}\`), or pg_hba.conf has no entry for this machine.`);
    case '53300':
      return says(`${at} has no free connection slots (too many clients) — raise max_connections or stop idle clients.`);
    case '57P03':
      return says(`${at} is starting up or shutting down — try again in a moment.`);
    case '42501':
      return says(`User "${t.user}" lacks a privilege Baton needs in "${t.database}" (it creates and alters its own tables) — make the user the database's owner, e.g. \`ALTER DATABASE ${t.database} OWNER TO ${t.user}\`.`);
    default:
      return undefined;
  }
}
