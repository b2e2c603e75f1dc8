import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BOT_COMMANDS } from '../../../adapters/teams/conversation-events.ts';
import { ACCENT, drawIcon, encodePng } from '../../../scripts/teams-package.icons.ts';
import { decodeRgba, main, manifestProblems, parseArgs, pngInfo, preparePackage, zip } from '../../../scripts/teams-package.ts';

const BOT_ID = '11111111-2222-4333-8444-555555555555';
/** What each site gives the packager: its bot, its name, its web host. */
const SITE = { botId: BOT_ID, developer: 'Riverside IT', host: 'www.riverside-clinic.org' };
const SITE_ARGS = ['--app-id', BOT_ID, '--developer', 'Riverside IT', '--host', 'www.riverside-clinic.org'];
const quietly = <T>(fn: () => T): T => {
  const [log, err] = [console.log, console.error];
  console.log = console.error = () => {};
  try {
    return fn();
  } finally {
    [console.log, console.error] = [log, err];
  }
};
const shipped = () => JSON.parse(fs.readFileSync('manifest/teams/manifest.json', 'utf8'));
const icons = () => ({ 'color.png': fs.readFileSync('manifest/teams/color.png'), 'outline.png': fs.readFileSync('manifest/teams/outline.png') });

/** Bitwise CRC-32 (IEEE), written independently of the packager's table version. */
function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of data) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

/** Reads a zip back independently of the writer: central directory → local headers → inflate → CRC. */
function unzipEntries(buf: Buffer): Record<string, Buffer> {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const out: Record<string, Buffer> = {};
  for (let i = 0; i < count; i++) {
    expect(buf.readUInt32LE(at)).toBe(0x02014b50);
    const nameLen = buf.readUInt16LE(at + 28);
    const extra = buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLen);
    const size = buf.readUInt32LE(local + 18);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    out[name] = zlib.inflateRawSync(buf.subarray(start, start + size));
    expect(crc32(out[name]!)).toBe(buf.readUInt32LE(at + 16));
    at += 46 + nameLen + extra;
  }
  return out;
}

describe('Teams app manifest and package', () => {
  it('the shipped manifest and icons are valid once the bot id, developer and host are filled in', () => {
    expect(shipped().manifestVersion).toBe('1.19');
    expect(preparePackage(SITE).problems).toEqual([]);
  });

  it('refuses the shipped placeholders, naming each and what to pass', () => {
    expect(preparePackage({}).problems).toEqual([
      `developer.websiteUrl: https://baton.example.org is a placeholder (baton.example.org is reserved for examples); pass --host <your web host> or --website-url <url> (or set TEAMS_PUBLIC_HOST or TEAMS_WEBSITE_URL)`,
      `developer.privacyUrl: https://baton.example.org/privacy is a placeholder (baton.example.org is reserved for examples); pass --host <your web host> or --privacy-url <url> (or set TEAMS_PUBLIC_HOST or TEAMS_PRIVACY_URL)`,
      `developer.termsOfUseUrl: https://baton.example.org/terms is a placeholder (baton.example.org is reserved for examples); pass --host <your web host> or --terms-url <url> (or set TEAMS_PUBLIC_HOST or TEAMS_TERMS_URL)`,
      `developer.name: "Your clinic's IT team" is the shipped placeholder; pass --developer "<your organisation>" (or set TEAMS_DEVELOPER_NAME)`,
      "bots[0].botId: the bot's Entra app (client) id; pass --app-id <GUID> (or set TEAMS_APP_ID)",
    ]);
    expect(preparePackage({ ...SITE, host: 'clinic.test' }).problems).toHaveLength(3);
  });

  it('takes the site from flags, else from environment variables; a page URL of its own wins over --host', () => {
    const env = { TEAMS_APP_ID: BOT_ID, TEAMS_DEVELOPER_NAME: 'From Env', TEAMS_PUBLIC_HOST: 'env.riverside-clinic.org' };
    const fromEnv = parseArgs([], env);
    expect(fromEnv).toMatchObject({ problems: [], check: false, options: { botId: BOT_ID, developer: 'From Env', host: 'env.riverside-clinic.org' } });
    const a = parseArgs(['--developer', 'Riverside IT', '--host', 'https://www.riverside-clinic.org/', '--privacy-url', 'https://legal.riverside-clinic.org/privacy', '--check'], env);
    expect(a.check).toBe(true);
    expect(preparePackage(a.options).manifest.developer).toEqual({
      name: 'Riverside IT',
      websiteUrl: 'https://www.riverside-clinic.org',
      privacyUrl: 'https://legal.riverside-clinic.org/privacy',
      termsOfUseUrl: 'https://www.riverside-clinic.org/terms',
    });
    expect(parseArgs(['--hots', 'x', '--developer'], {}).problems).toEqual([
      expect.stringMatching(/^--hots: unknown option \(known: --check, --out, --app-id, /),
      '--developer: needs a value',
    ]);
    expect(quietly(() => main(['--check', '--developer'], env))).toBe(1);
    expect(quietly(() => main(['--check'], env))).toBe(0);
  });

  it('reads the icon sizes from the PNG headers: 192×192 colour, 32×32 white-on-transparent outline', () => {
    expect(pngInfo(icons()['color.png'])).toMatchObject({ width: 192, height: 192 });
    expect(pngInfo(icons()['outline.png'])).toMatchObject({ width: 32, height: 32, hasAlpha: true });
    const { rgba } = decodeRgba(icons()['outline.png']);
    const alphas = new Set<number>();
    for (let i = 0; i < rgba.length; i += 4) {
      alphas.add(rgba[i + 3]!);
      if (rgba[i + 3]) expect([rgba[i], rgba[i + 1], rgba[i + 2]]).toEqual([255, 255, 255]);
    }
    expect(alphas.has(0)).toBe(true);
    expect(alphas.has(255)).toBe(true);
  });

  it('the command lists are what the bot answers, one list per scope', () => {
    const lists = shipped().bots[0].commandLists as Array<{ scopes: string[]; commands: Array<{ title: string; description: string }> }>;
    expect(lists.map((l) => [l.scopes, l.commands.map((c) => c.title)])).toEqual([[['team'], [...BOT_COMMANDS.team]], [['personal'], [...BOT_COMMANDS.personal]]]);
    // Teams' limits (PLATFORMS.md §8): a title ≤ 32 characters, a description ≤ 128.
    for (const c of lists.flatMap((l) => l.commands)) expect([c.title.length <= 32, c.description.length <= 128]).toEqual([true, true]);
  });

  it('lists every problem: placeholder bot id, old schema, bad id, wrong icon sizes, a coloured outline', () => {
    const m = shipped();
    const bad = { ...m, manifestVersion: '1.16', id: 'not-a-guid', name: { short: 'x'.repeat(31) }, developer: { ...m.developer, privacyUrl: 'http://insecure.example' } };
    const files = { 'color.png': encodePng(100, 100, drawIcon(100, ACCENT)), 'outline.png': encodePng(32, 32, drawIcon(32, ACCENT)) };
    const problems = manifestProblems(bad, files);
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^manifestVersion: use 1.19 or later/),
      expect.stringMatching(/^\$schema: should be the v1.16 schema/),
      'id: must be a GUID',
      'developer.privacyUrl: an https URL is required',
      'name.short: 1–30 characters',
      expect.stringMatching(/^bots\[0\]\.botId: /),
      'icons.color: color.png must be 192×192 pixels (it is 100×100)',
      'icons.outline: outline.png must have a transparent background',
      expect.stringMatching(/^icons.outline: outline.png must be white on transparent/),
    ]));
    expect(manifestProblems(m, { 'color.png': Buffer.from('GIF89a') })).toEqual(expect.arrayContaining([
      'icons.color: color.png: not a PNG file',
      'icons.outline: outline.png is missing from manifest/teams',
    ]));
  });

  it('writes a zip with manifest.json and both icons at its root, the bot id filled in', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-teams-'));
    const out = path.join(dir, 'baton-teams.zip');
    try {
      expect(quietly(() => main([...SITE_ARGS, '--out', out, '--app-version', '1.2.3'], {}))).toBe(0);
      const bytes = fs.readFileSync(out);
      const entries = unzipEntries(bytes);
      expect(Object.keys(entries)).toEqual(['manifest.json', 'color.png', 'outline.png']);
      const manifest = JSON.parse(entries['manifest.json']!.toString('utf8'));
      expect(manifest.bots[0].botId).toBe(BOT_ID);
      expect(manifest.version).toBe('1.2.3');
      expect(entries['color.png']!.equals(icons()['color.png'])).toBe(true);
      expect(entries['outline.png']!.equals(icons()['outline.png'])).toBe(true);
      // The system unzip, when the machine has one, agrees.
      let unzip = false;
      try { execFileSync('unzip', ['-v'], { stdio: 'ignore' }); unzip = true; } catch { /* not installed */ }
      if (unzip) expect(execFileSync('unzip', ['-t', out]).toString()).toContain('No errors detected');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to package without a bot id, and the same inputs give the same bytes', () => {
    expect(quietly(() => main(['--check', '--developer', 'Riverside IT', '--host', 'www.riverside-clinic.org'], {}))).toBe(1);
    const a = preparePackage(SITE);
    expect(a.problems).toEqual([]);
    expect(zip(a.files).equals(zip(preparePackage(SITE).files))).toBe(true);
  });
});
