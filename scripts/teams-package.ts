/**
 * Validates the Teams app manifest and icons, and writes the app package (a zip with
 * manifest.json, color.png and outline.png at its root) for "Upload a custom app".
 *
 *   node --import tsx scripts/teams-package.ts --app-id <GUID> --developer <name> --host <web host>
 *        [--website-url <url>] [--privacy-url <url>] [--terms-url <url>] [--app-version <x.y.z>] [--out <file.zip>] [--check]
 *
 * Each flag has an environment variable (OPTIONS below); `--bot-id` is another name for
 * `--app-id`, the bot's Entra app (client) id (Baton's TEAMS_APP_ID). The shipped manifest's
 * developer name and baton.example.org URLs are placeholders and are refused. `--check`
 * validates without writing. Every problem is listed; exit 1 if any.
 * No dependencies: PNG headers and pixels are read and the zip is written with node:zlib.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { zip } from './teams-package.zip.ts';

export { zip };

export const MANIFEST_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../manifest/teams');
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ZERO_GUID = '00000000-0000-0000-0000-000000000000';
const SEMVER = /^\d+\.\d+\.\d+$/;

// ---------------------------------------------------------------- PNG

export interface PngInfo { width: number; height: number; bitDepth: number; colorType: number; hasAlpha: boolean }

/** Reads a PNG's header (IHDR); throws when the bytes are not a PNG. */
export function pngInfo(buf: Buffer): PngInfo {
  const sig = '89504e470d0a1a0a';
  if (buf.length < 33 || buf.subarray(0, 8).toString('hex') !== sig) throw new Error('not a PNG file');
  if (buf.toString('ascii', 12, 16) !== 'IHDR') throw new Error('PNG without an IHDR header');
  const colorType = buf[25]!;
  const hasTrns = chunks(buf).some((c) => c.type === 'tRNS');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20), bitDepth: buf[24]!, colorType, hasAlpha: colorType === 4 || colorType === 6 || hasTrns };
}

function chunks(buf: Buffer): Array<{ type: string; data: Buffer }> {
  const out: Array<{ type: string; data: Buffer }> = [];
  for (let o = 8; o + 8 <= buf.length; ) {
    const len = buf.readUInt32BE(o);
    out.push({ type: buf.toString('ascii', o + 4, o + 8), data: buf.subarray(o + 8, o + 8 + len) });
    o += 12 + len;
  }
  return out;
}

/** Decodes an 8-bit, non-interlaced grey+alpha or RGBA PNG into RGBA pixels. */
export function decodeRgba(buf: Buffer): { width: number; height: number; rgba: Uint8Array } {
  const info = pngInfo(buf);
  if (info.bitDepth !== 8 || (info.colorType !== 6 && info.colorType !== 4) || buf[28] !== 0) {
    throw new Error(`cannot check pixels of this PNG (bit depth ${info.bitDepth}, colour type ${info.colorType}, interlace ${buf[28]}); save it as 8-bit RGBA`);
  }
  const channels = info.colorType === 6 ? 4 : 2;
  const stride = info.width * channels;
  const raw = zlib.inflateSync(Buffer.concat(chunks(buf).filter((c) => c.type === 'IDAT').map((c) => c.data)));
  const out = new Uint8Array(info.width * info.height * 4);
  let prev = new Uint8Array(stride);
  for (let y = 0; y < info.height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = new Uint8Array(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? line[i - channels]! : 0;
      const b = prev[i]!;
      const c = i >= channels ? prev[i - channels]! : 0;
      const p = a + b - c;
      const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
      const predictor = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][filter];
      if (predictor === undefined) throw new Error(`bad PNG filter ${filter}`);
      line[i] = (line[i]! + predictor) & 0xff;
    }
    for (let x = 0; x < info.width; x++) {
      const o = (y * info.width + x) * 4;
      if (channels === 4) out.set(line.subarray(x * 4, x * 4 + 4), o);
      else out.set([line[x * 2]!, line[x * 2]!, line[x * 2]!, line[x * 2 + 1]!], o);
    }
    prev = line;
  }
  return { width: info.width, height: info.height, rgba: out };
}

// ---------------------------------------------------------------- manifest

type Manifest = Record<string, any>;

/** The shipped manifest's developer name: each site must name itself (Teams shows it on the app's About page). */
const PLACEHOLDER_DEVELOPER = "Your clinic's IT team";
/** Names reserved for documentation and testing (RFC 2606, RFC 6761): never a real site's pages. */
const RESERVED_HOST = /(^|\.)(example\.(com|net|org)|example|test|invalid|localhost)$/i;
const URL_FLAGS = {
  websiteUrl: 'pass --host <your web host> or --website-url <url> (or set TEAMS_PUBLIC_HOST or TEAMS_WEBSITE_URL)',
  privacyUrl: 'pass --host <your web host> or --privacy-url <url> (or set TEAMS_PUBLIC_HOST or TEAMS_PRIVACY_URL)',
  termsOfUseUrl: 'pass --host <your web host> or --terms-url <url> (or set TEAMS_PUBLIC_HOST or TEAMS_TERMS_URL)',
} as const;

const isHttps = (v: unknown) => typeof v === 'string' && /^https:\/\/[^\s]+$/.test(v);

/** Every problem with the manifest and its icons (Teams manifest schema v1.19 rules Baton relies on). */
export function manifestProblems(m: Manifest, files: Record<string, Buffer | undefined>): string[] {
  const p: string[] = [];
  const need = (cond: boolean, msg: string) => { if (!cond) p.push(msg); };
  for (const key of ['manifestVersion', 'version', 'id', 'developer', 'name', 'description', 'icons', 'accentColor']) need(m[key] !== undefined, `${key}: required`);
  const [major, minor] = String(m.manifestVersion ?? '').split('.').map(Number);
  need(major === 1 && minor !== undefined && minor >= 19, `manifestVersion: use 1.19 or later (got ${m.manifestVersion})`);
  need(typeof m.$schema !== 'string' || m.$schema.includes(`/v${m.manifestVersion}/`), `$schema: should be the v${m.manifestVersion} schema`);
  need(SEMVER.test(String(m.version ?? '')), 'version: must look like 1.2.3');
  need(GUID.test(String(m.id ?? '')), 'id: must be a GUID');
  for (const k of ['websiteUrl', 'privacyUrl', 'termsOfUseUrl'] as const) {
    need(isHttps(m.developer?.[k]), `developer.${k}: an https URL is required`);
    const host = isHttps(m.developer?.[k]) ? new URL(m.developer[k]).hostname : '';
    need(!host || !RESERVED_HOST.test(host), `developer.${k}: ${m.developer?.[k]} is a placeholder (${host} is reserved for examples); ${URL_FLAGS[k]}`);
  }
  need(typeof m.developer?.name === 'string' && m.developer.name.length > 0 && m.developer.name.length <= 32, 'developer.name: 1–32 characters');
  need(m.developer?.name !== PLACEHOLDER_DEVELOPER, `developer.name: "${PLACEHOLDER_DEVELOPER}" is the shipped placeholder; pass --developer "<your organisation>" (or set TEAMS_DEVELOPER_NAME)`);
  need(typeof m.name?.short === 'string' && m.name.short.length > 0 && m.name.short.length <= 30, 'name.short: 1–30 characters');
  need(m.name?.full === undefined || (typeof m.name.full === 'string' && m.name.full.length <= 100), 'name.full: at most 100 characters');
  need(typeof m.description?.short === 'string' && m.description.short.length > 0 && m.description.short.length <= 80, 'description.short: 1–80 characters');
  need(typeof m.description?.full === 'string' && m.description.full.length > 0 && m.description.full.length <= 4000, 'description.full: 1–4000 characters');
  need(/^#[0-9a-fA-F]{6}$/.test(String(m.accentColor ?? '')), 'accentColor: a colour like #1F6F8B');

  const bots = Array.isArray(m.bots) ? m.bots : [];
  need(bots.length === 1, 'bots: exactly one bot');
  const bot = bots[0] ?? {};
  need(GUID.test(String(bot.botId ?? '')) && bot.botId !== ZERO_GUID, 'bots[0].botId: the bot\'s Entra app (client) id; pass --app-id <GUID> (or set TEAMS_APP_ID)');
  const scopes: unknown[] = Array.isArray(bot.scopes) ? bot.scopes : [];
  need(scopes.includes('team') && scopes.includes('personal'), 'bots[0].scopes: Baton needs "team" (queue channels) and "personal" (physician chats)');
  need(scopes.every((s) => s === 'team' || s === 'personal' || s === 'groupChat'), 'bots[0].scopes: only team, personal, groupChat');
  const lists: any[] = Array.isArray(bot.commandLists) ? bot.commandLists : [];
  need(lists.length > 0 && lists.length <= 3, 'bots[0].commandLists: 1–3 lists');
  lists.forEach((l, i) => {
    need(Array.isArray(l.scopes) && l.scopes.every((s: unknown) => scopes.includes(s)), `bots[0].commandLists[${i}].scopes: must be scopes of the bot`);
    const cmds: any[] = Array.isArray(l.commands) ? l.commands : [];
    need(cmds.length > 0 && cmds.length <= 10, `bots[0].commandLists[${i}].commands: 1–10 commands`);
    cmds.forEach((c, j) => {
      need(typeof c.title === 'string' && c.title.length > 0 && c.title.length <= 32, `bots[0].commandLists[${i}].commands[${j}].title: 1–32 characters`);
      need(typeof c.description === 'string' && c.description.length > 0 && c.description.length <= 128, `bots[0].commandLists[${i}].commands[${j}].description: 1–128 characters`);
    });
  });

  const icon = (key: 'color' | 'outline', size: number) => {
    const name = m.icons?.[key];
    if (typeof name !== 'string') return p.push(`icons.${key}: required`);
    const buf = files[name];
    if (!buf) return p.push(`icons.${key}: ${name} is missing from manifest/teams`);
    let info: PngInfo;
    try {
      info = pngInfo(buf);
    } catch (e) {
      return p.push(`icons.${key}: ${name}: ${(e as Error).message}`);
    }
    need(info.width === size && info.height === size, `icons.${key}: ${name} must be ${size}×${size} pixels (it is ${info.width}×${info.height})`);
    if (key !== 'outline') return;
    // Teams: "transparent PNG outline icon. The border color needs to be white."
    try {
      const { rgba } = decodeRgba(buf);
      let transparent = 0;
      let coloured = 0;
      for (let i = 0; i < rgba.length; i += 4) {
        if (rgba[i + 3] === 0) transparent++;
        else if (rgba[i] !== 255 || rgba[i + 1] !== 255 || rgba[i + 2] !== 255) coloured++;
      }
      need(transparent > 0, `icons.outline: ${name} must have a transparent background`);
      need(coloured === 0, `icons.outline: ${name} must be white on transparent (${coloured} pixels have another colour)`);
    } catch (e) {
      p.push(`icons.outline: ${name}: ${(e as Error).message}`);
    }
  };
  icon('color', 192);
  icon('outline', 32);
  return p;
}

// ---------------------------------------------------------------- package

export interface PackageOptions {
  dir?: string;
  botId?: string | undefined;
  appVersion?: string | undefined;
  developer?: string | undefined;
  /** Sets the three developer URLs to https://<host>, …/privacy and …/terms, unless given one by one. */
  host?: string | undefined;
  websiteUrl?: string | undefined;
  privacyUrl?: string | undefined;
  termsUrl?: string | undefined;
}

/** The manifest as it goes into the package (bot id and version filled in), its icons, and every problem found. */
export function preparePackage(o: PackageOptions = {}): { manifest: Manifest; files: Array<{ name: string; data: Buffer }>; problems: string[] } {
  const dir = o.dir ?? MANIFEST_DIR;
  let manifest: Manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  } catch (e) {
    return { manifest: {}, files: [], problems: [`manifest.json: ${(e as Error).message}`] };
  }
  if (o.botId) manifest.bots?.forEach((b: Manifest) => { b.botId = o.botId; });
  if (o.appVersion) manifest.version = o.appVersion;
  const base = o.host ? `https://${o.host.replace(/^https?:\/\//, '').replace(/\/+$/, '')}` : undefined;
  const developer = { ...manifest.developer };
  if (o.developer) developer.name = o.developer;
  const url = (given: string | undefined, page: string) => given ?? (base ? `${base}${page}` : undefined);
  for (const [k, v] of [['websiteUrl', url(o.websiteUrl, '')], ['privacyUrl', url(o.privacyUrl, '/privacy')], ['termsOfUseUrl', url(o.termsUrl, '/terms')]] as const) if (v) developer[k] = v;
  manifest.developer = developer;
  const icons = [manifest.icons?.color, manifest.icons?.outline].filter((n): n is string => typeof n === 'string');
  const read = (n: string) => (fs.existsSync(path.join(dir, n)) ? fs.readFileSync(path.join(dir, n)) : undefined);
  const iconFiles = Object.fromEntries(icons.map((n) => [n, read(n)]));
  const problems = manifestProblems(manifest, iconFiles);
  const files = [
    { name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest, null, 2) + '\n') },
    ...icons.flatMap((n) => (iconFiles[n] ? [{ name: n, data: iconFiles[n]! }] : [])),
  ];
  return { manifest, files, problems };
}

/** Each flag, its environment variable, and the option it sets. */
const OPTIONS = {
  '--app-id': { env: 'TEAMS_APP_ID', key: 'botId' },
  '--bot-id': { env: 'TEAMS_APP_ID', key: 'botId' },
  '--developer': { env: 'TEAMS_DEVELOPER_NAME', key: 'developer' },
  '--host': { env: 'TEAMS_PUBLIC_HOST', key: 'host' },
  '--website-url': { env: 'TEAMS_WEBSITE_URL', key: 'websiteUrl' },
  '--privacy-url': { env: 'TEAMS_PRIVACY_URL', key: 'privacyUrl' },
  '--terms-url': { env: 'TEAMS_TERMS_URL', key: 'termsUrl' },
  '--app-version': { env: 'TEAMS_APP_VERSION', key: 'appVersion' },
} as const satisfies Record<string, { env: string; key: keyof PackageOptions }>;

/** Flags over environment variables; every unknown flag or missing value is a problem. */
export function parseArgs(argv: string[], env: NodeJS.ProcessEnv): { options: PackageOptions; out: string; check: boolean; problems: string[] } {
  const options: PackageOptions = {};
  const problems: string[] = [];
  for (const { env: name, key } of Object.values(OPTIONS)) if (env[name]?.trim()) options[key] = env[name]!.trim();
  let out = 'dist/baton-teams.zip';
  let check = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--check') { check = true; continue; }
    const value = argv[i + 1];
    const known = flag === '--out' || flag in OPTIONS;
    const hasValue = value !== undefined && !value.startsWith('--');
    if (hasValue) i++;
    if (!known) { problems.push(`${flag}: unknown option (known: ${['--check', '--out', ...Object.keys(OPTIONS)].join(', ')})`); continue; }
    if (!hasValue) { problems.push(`${flag}: needs a value`); continue; }
    if (flag === '--out') out = value;
    else options[OPTIONS[flag as keyof typeof OPTIONS].key] = value;
  }
  return { options, out: path.resolve(out), check, problems };
}

export function main(argv: string[], env: NodeJS.ProcessEnv = process.env): number {
  const args = parseArgs(argv, env);
  const { files, problems } = args.problems.length ? { files: [], problems: args.problems } : preparePackage(args.options);
  if (problems.length) {
    console.error(`The Teams app package has ${problems.length} problem(s):`);
    for (const p of problems) console.error(`  - ${p}`);
    return 1;
  }
  if (args.check) {
    console.log('manifest/teams is valid.');
    return 0;
  }
  fs.mkdirSync(path.dirname(args.out), { recursive: true });
  fs.writeFileSync(args.out, zip(files));
  console.log(`Wrote ${args.out} (${files.map((f) => f.name).join(', ')}). Upload it in Teams: Apps → Manage your apps → Upload an app.`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) process.exit(main(process.argv.slice(2)));
