/**
 * Draws Baton's Teams icons with a tiny PNG encoder (node:zlib only), so they can be regenerated
 * and reviewed as code: `node --import tsx scripts/teams-package.icons.ts`.
 * - color.png   192×192, full colour: a white relay baton on Baton's teal.
 * - outline.png  32×32, transparent background, the same baton in white only (Teams' rule).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
export function crc32(buf: Uint8Array, crc = 0xffffffff): number {
  for (const b of buf) crc = CRC_TABLE[(crc ^ b) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** RGBA pixels (row-major, 4 bytes each) → PNG bytes (8-bit RGBA, no interlace, filter 0). */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type: RGBA
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) Buffer.from(rgba.buffer, rgba.byteOffset + y * width * 4, width * 4).copy(raw, y * (width * 4 + 1) + 1);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Distance from p to the segment a–b. */
function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

/** The baton: a capsule from lower left to upper right, and two motion streaks behind it. Unit square. */
const TAIL = [0.42, 0.58] as const;
const HEAD = [0.74, 0.26] as const;
const DIR = [Math.SQRT1_2, -Math.SQRT1_2] as const;
const PERP = [Math.SQRT1_2, Math.SQRT1_2] as const;
const STREAKS = [-0.1, 0.1].map((o) => {
  const at = (back: number) => [TAIL[0] - DIR[0] * back + PERP[0] * o, TAIL[1] - DIR[1] * back + PERP[1] * o] as const;
  return [at(0.3), at(0.14)] as const;
});

/** Coverage (0..1) of the shape at a pixel, 4×4 supersampled for smooth edges. */
function batonCoverage(x: number, y: number, size: number): number {
  let hits = 0;
  for (let sy = 0; sy < 4; sy++) {
    for (let sx = 0; sx < 4; sx++) {
      const u = (x + (sx + 0.5) / 4) / size;
      const v = (y + (sy + 0.5) / 4) / size;
      const body = segmentDistance(u, v, TAIL[0], TAIL[1], HEAD[0], HEAD[1]) <= 0.085;
      const streak = STREAKS.some(([a, b]) => segmentDistance(u, v, a[0], a[1], b[0], b[1]) <= 0.035);
      if (body || streak) hits++;
    }
  }
  return hits / 16;
}

export function drawIcon(size: number, background: [number, number, number] | null): Uint8Array {
  const px = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const c = batonCoverage(x, y, size);
      const i = (y * size + x) * 4;
      if (background) {
        // White over the background colour, blended by coverage; fully opaque.
        for (let k = 0; k < 3; k++) px[i + k] = Math.round(background[k]! * (1 - c) + 255 * c);
        px[i + 3] = 255;
      } else {
        // Outline icon: white only, the shape carried by alpha.
        px[i] = px[i + 1] = px[i + 2] = 255;
        px[i + 3] = Math.round(255 * c);
      }
    }
  }
  return px;
}

export const ACCENT: [number, number, number] = [0x1f, 0x6f, 0x8b];

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../manifest/teams');
  fs.writeFileSync(path.join(dir, 'color.png'), encodePng(192, 192, drawIcon(192, ACCENT)));
  fs.writeFileSync(path.join(dir, 'outline.png'), encodePng(32, 32, drawIcon(32, null)));
  console.log(`wrote ${path.join(dir, 'color.png')} and outline.png`);
}
