import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';

/** The Slack app manifests: what the adapter needs, and nothing more. */

const root = fileURLToPath(new URL('../../../', import.meta.url));
const load = (name: string) => YAML.parse(fs.readFileSync(path.join(root, 'manifest/slack', name), 'utf8'));

/** Web API methods → the bot scope they need (null: none). From Slack's method reference (../shared/PLATFORMS.md §4). */
const SCOPE_OF: Record<string, string[] | null> = {
  'auth.test': null,
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'conversations.open': ['im:write'],
  'conversations.history': ['channels:history', 'groups:history'],
  'conversations.info': ['channels:read', 'groups:read'],
  'views.open': null,
  'views.publish': null,
};

/** Every Web API method the adapter calls (`api.call('<method>'` in adapters/slack). */
function methodsCalled(): string[] {
  const dir = path.join(root, 'adapters/slack');
  const found = new Set<string>();
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
    for (const m of fs.readFileSync(path.join(dir, f), 'utf8').matchAll(/\.call\(\s*'([a-z]+\.[a-zA-Z.]+)'/g)) found.add(m[1]!);
  }
  return [...found].sort();
}

describe('Slack manifests', () => {
  for (const name of ['manifest.yaml', 'manifest.socket-mode.yaml']) {
    const m = load(name);
    it(`${name}: bot user, App Home, /baton, interactivity, app_home_opened and the uninstall / revocation events`, () => {
      expect(m.display_information.name.length).toBeLessThanOrEqual(35);
      expect(m.display_information.description.length).toBeLessThanOrEqual(140);
      expect(m.features.bot_user.display_name).toMatch(/^[a-z0-9._-]{1,80}$/);
      expect(m.features.app_home.home_tab_enabled).toBe(true);
      expect(m.features.slash_commands.map((c: any) => c.command)).toEqual(['/baton']);
      expect(m.settings.interactivity.is_enabled).toBe(true);
      expect(m.settings.event_subscriptions.bot_events).toEqual(['app_home_opened', 'app_uninstalled', 'tokens_revoked']);
    });

    it(`${name}: grants exactly the scopes the adapter's calls need`, () => {
      const called = methodsCalled();
      expect(called.length).toBeGreaterThan(5);
      for (const method of called) expect(SCOPE_OF, `no scope entry for ${method}`).toHaveProperty([method]);
      const needed = new Set(['commands', ...called.flatMap((method) => SCOPE_OF[method] ?? [])]);
      expect(new Set(m.oauth_config.scopes.bot)).toEqual(needed);
    });
  }

  it('HTTP mode points every request URL at /slack/events over https; Socket Mode has none', () => {
    const http = load('manifest.yaml');
    expect(http.settings.socket_mode_enabled).toBe(false);
    for (const url of [http.settings.interactivity.request_url, http.settings.event_subscriptions.request_url, http.features.slash_commands[0].url]) expect(url).toMatch(/^https:\/\/[^/]+\/slack\/events$/);
    const socket = load('manifest.socket-mode.yaml');
    expect(socket.settings.socket_mode_enabled).toBe(true);
    expect(JSON.stringify(socket)).not.toContain('request_url');
    expect(socket.features.slash_commands[0].url).toBeUndefined();
  });
});
