import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxServer, type SandboxServer } from './harness.ts';
import { act, get, ingest } from './helpers.ts';

describe('sandbox as a read-only mirror (Slack or Teams configured)', () => {
  let s: SandboxServer;
  let itemId: string;
  beforeAll(async () => {
    s = await startSandboxServer({ readOnly: true });
    itemId = await ingest(s);
  });
  afterAll(async () => s?.stop());

  it('refuses every action, message views included, with 403 and the reason', async () => {
    for (const command of ['item.claim', 'item.view']) {
      const r = await act(s, itemId, { as: 'dana-reyes', command });
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('sandbox.read_only');
      expect(r.body.error.message).toContain('Slack or Teams is connected');
    }
    expect((await s.ctx.store.findItem(itemId))?.state).toBe('OPEN');
  });

  it('shows the board to leads and managers, and to nobody else', async () => {
    const lead = await get(s, '/sandbox/api/state?as=dana-reyes');
    expect(lead.status).toBe(200);
    expect(lead.body).toMatchObject({ readOnly: true, readOnlyReason: expect.stringContaining('read-only mirror') });
    expect(lead.body.channels[0].cards.map((c: any) => c.itemId)).toContain(itemId);
    expect((await get(s, '/sandbox/api/state?as=morgan-lee')).status).toBe(200);
    for (const as of ['jordan-kim', 'dr-alvarez']) {
      const r = await get(s, `/sandbox/api/state?as=${as}`);
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('sandbox.supervisors_only');
    }
  });

  it('says why on the page and offers only supervisors in the picker', async () => {
    const html = await (await fetch(`${s.url}/`)).text();
    expect(html).toContain('<body data-read-only="true">');
    expect(html).toContain('Read-only mirror.');
    expect(html).toContain('value="dana-reyes"');
    expect(html).toContain('value="morgan-lee"');
    expect(html).not.toContain('value="jordan-kim"');
    expect(html).not.toContain('value="dr-alvarez"');
  });
});
