/**
 * A browser, as far as sign-in needs one: cookies per host (name → value; paths ignored),
 * redirects followed by hand so each hop can be inspected, and every URL visited kept (the
 * tests check that none carries patient data).
 */
export class WebClient {
  private jar = new Map<string, Map<string, string>>();
  readonly visited: string[] = [];
  /** Set-Cookie headers as received, for checking their attributes. */
  readonly setCookies: string[] = [];

  cookie(host: string, name: string): string | undefined {
    return this.jar.get(host)?.get(name);
  }

  forget(host: string, name: string): void {
    this.jar.get(host)?.delete(name);
  }

  async request(url: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<Response> {
    const u = new URL(url);
    this.visited.push(u.href);
    const cookies = [...(this.jar.get(u.host) ?? new Map())].map(([k, v]) => `${k}=${v}`).join('; ');
    const send = () =>
      fetch(u, {
        method: init.method ?? (init.form ? 'POST' : 'GET'),
        redirect: 'manual',
        headers: { ...(cookies ? { cookie: cookies } : {}), ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...init.headers },
        ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
      });
    // A kept-alive connection the server closed as it was reused (its 5 s idle timeout, on a
    // loaded machine) fails before the request is read: send it again once, as a browser does.
    const res = await send().catch((e: Error & { cause?: { code?: string } }) => {
      if (e.cause?.code === 'UND_ERR_SOCKET' || e.cause?.code === 'ECONNRESET') return send();
      throw e;
    });
    for (const c of res.headers.getSetCookie()) {
      this.setCookies.push(c);
      const [pair, ...attrs] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1).trim();
      const jar = this.jar.get(u.host) ?? new Map<string, string>();
      this.jar.set(u.host, jar);
      const gone = !value || attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || attrs.some((a) => /^\s*expires=.*1970/i.test(a));
      if (gone) jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  }

  /** Follows redirects (303, 302, 301, 307) from `url` until a page answers; returns it and where it was. */
  async follow(url: string, init: { form?: Record<string, string>; headers?: Record<string, string> } = {}, hops = 12): Promise<{ res: Response; url: string; text: string }> {
    let res = await this.request(url, init);
    let at = url;
    for (let n = 0; res.status >= 300 && res.status < 400 && n < hops; n++) {
      at = new URL(res.headers.get('location')!, at).href;
      res = await this.request(at);
    }
    return { res, url: at, text: await res.text() };
  }
}

/** Signs `email` in through the identity provider's login page, starting from a console URL; ends on whatever Baton answers. */
export async function signInAs(client: WebClient, consoleUrl: string, email: string) {
  const start = await client.follow(consoleUrl);
  const form = /action="(\/interaction\/[\w-]+\/login)"/.exec(start.text);
  if (!form) throw new Error(`no login form at ${start.url} (${start.res.status}): ${start.text.slice(0, 200)}`);
  return client.follow(new URL(form[1]!, start.url).href, { form: { email } });
}
