#!/usr/bin/env node
// Draws build/icon.png (512x512 RGBA), the app icon electron-builder uses:
// a teal rounded square with a white database cylinder (the repositories)
// and a green check badge (verified backups). Pure Node: shapes are tested
// per pixel with 4x4 supersampling, and the PNG is written with zlib.
//
// Usage: node scripts/make-icon.mjs [output.png]   (default build/icon.png)

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.resolve(process.argv[2] ?? path.join(root, 'build', 'icon.png'));
const SIZE = 512;
const SS = 4; // samples per axis per pixel

const hex = (h) => [1, 3, 5].map((i) => Number.parseInt(h.slice(i, i + 2), 16));
const mix = (a, b, t) => a.map((v, i) => Math.round(v + (b[i] - v) * t));

const BG_TOP = hex('#1d7f96');
const BG_BOTTOM = hex('#0b3b52');
const WHITE = hex('#ffffff');
const LID = hex('#d4eef4');
const BAND = hex('#8fc9d6');
const BADGE = hex('#2fb36b');
const BADGE_RING = hex('#0b3b52');

// Shapes, in 512-pixel coordinates.
function inRoundedRect(x, y, x0, y0, x1, y1, r) {
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}
const ellipse = (x, y, cx, cy, rx, ry) => ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2;
const CYL = { cx: 240, rx: 132, ry: 42, top: 150, bottom: 352 };
function inCylinder(x, y) {
  const { cx, rx, ry, top, bottom } = CYL;
  if (Math.abs(x - cx) <= rx && y >= top && y <= bottom) return true;
  return ellipse(x, y, cx, bottom, rx, ry) <= 1 || ellipse(x, y, cx, top, rx, ry) <= 1;
}
/** The lower half of an ellipse outline at height cy (constant vertical thickness): a band around the cylinder. */
function onBand(x, y, cy, width) {
  const { cx, rx, ry } = CYL;
  const dx = (x - cx) / rx;
  if (Math.abs(dx) >= 1) return false;
  const arc = cy + ry * Math.sqrt(1 - dx * dx);
  return Math.abs(y - arc) <= width / 2;
}
const BADGE_C = { x: 372, y: 366, r: 82 };
function distToSegment(px, py, ax, ay, bx, by) {
  const t = Math.max(
    0,
    Math.min(1, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)),
  );
  return Math.hypot(px - (ax + t * (bx - ax)), py - (ay + t * (by - ay)));
}
function onCheck(x, y) {
  const w = 15;
  return distToSegment(x, y, 330, 368, 361, 399) <= w || distToSegment(x, y, 361, 399, 416, 334) <= w;
}

/** Colour of one sample point (painter's algorithm, last match wins), or null if transparent. */
function sample(x, y) {
  if (!inRoundedRect(x, y, 24, 24, 488, 488, 104)) return null;
  let c = mix(BG_TOP, BG_BOTTOM, (y - 24) / 464);
  if (inCylinder(x, y)) c = WHITE;
  if (onBand(x, y, 218, 12) || onBand(x, y, 285, 12)) c = BAND;
  if (ellipse(x, y, CYL.cx, CYL.top, CYL.rx - 14, CYL.ry - 9) <= 1) c = LID;
  const badge = Math.hypot(x - BADGE_C.x, y - BADGE_C.y);
  if (badge <= BADGE_C.r + 12) c = BADGE_RING;
  if (badge <= BADGE_C.r) c = BADGE;
  if (badge <= BADGE_C.r && onCheck(x, y)) c = WHITE;
  return c;
}

const raw = Buffer.alloc((SIZE * 4 + 1) * SIZE);
for (let py = 0; py < SIZE; py++) {
  const row = py * (SIZE * 4 + 1);
  raw[row] = 0; // filter: none
  for (let px = 0; px < SIZE; px++) {
    let r = 0;
    let g = 0;
    let b = 0;
    let a = 0;
    for (let sy = 0; sy < SS; sy++) {
      for (let sx = 0; sx < SS; sx++) {
        const c = sample(px + (sx + 0.5) / SS, py + (sy + 0.5) / SS);
        if (!c) continue;
        r += c[0];
        g += c[1];
        b += c[2];
        a += 1;
      }
    }
    const o = row + 1 + px * 4;
    if (a > 0) {
      raw[o] = Math.round(r / a);
      raw[o + 1] = Math.round(g / a);
      raw[o + 2] = Math.round(b / a);
      raw[o + 3] = Math.round((a / (SS * SS)) * 255);
    }
  }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(SIZE, 0);
ihdr.writeUInt32BE(SIZE, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 6; // colour type: RGBA
ihdr[10] = 0; // deflate
ihdr[11] = 0; // adaptive filtering
ihdr[12] = 0; // no interlace

const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, png);
console.log(
  `make-icon: wrote ${path.relative(process.cwd(), out) || out} (${SIZE}x${SIZE}, ${png.length} bytes)`,
);
