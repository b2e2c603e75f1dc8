/** The sandbox API, always on behalf of the person picked in "Acting as". */
export const api = {
  as: '',

  async get(path) {
    const res = await fetch(`${path}${path.includes('?') ? '&' : '?'}as=${encodeURIComponent(api.as)}`, { headers: { accept: 'application/json' } });
    return { status: res.status, body: await res.json().catch(() => ({})) };
  },

  /** The away form: set, end or show an away period (POST /sandbox/api/away). */
  async away(fields) {
    const res = await fetch('/sandbox/api/away', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ as: api.as, ...fields }),
    });
    return { status: res.status, body: await res.json().catch(() => ({})) };
  },

  async act(itemId, fields) {
    const res = await fetch(`/sandbox/api/items/${encodeURIComponent(itemId)}/actions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ as: api.as, ...fields }),
    });
    return { status: res.status, body: await res.json().catch(() => ({})) };
  },
};

/** "Next item": claims the most urgent, oldest unclaimed item of this person's queues. */
api.next = async () => {
  const res = await fetch('/sandbox/api/next', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ as: api.as }),
  });
  return { status: res.status, body: await res.json().catch(() => ({})) };
};

/** One readable sentence from either answer shape: a domain failure or a request error with problems. */
export function explain(body, status) {
  if (body && body.ok === false) return { message: body.message, problems: [] };
  const e = body && body.error;
  if (e) return { message: e.message, problems: (e.problems ?? []).map((p) => `${p.path}: ${p.message}`) };
  return { message: `The server answered ${status}. Try again.`, problems: [] };
}
