/**
 * Draws the app icon (resources/icon.png, 512×512 RGBA) with no image tools: a "wind-fire wheel"
 * (Nezha's weapon) on a dark rounded square, rendered with 4×4 supersampling and written as PNG.
 * Run: npx tsx electron/build/makeIcon.ts [out.png]
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { deflateSync } from 'node:zlib';

const size = 512;
const samples = 4;

type Rgba = [number, number, number, number];

function mix(a: Rgba, b: Rgba, t: number): Rgba {
  return [0, 1, 2, 3].map((i) => a[i] + (b[i] - a[i]) * t) as Rgba;
}

/** Over-composite `top` onto `base` (straight alpha, 0..1 channels). */
function over(base: Rgba, top: Rgba): Rgba {
  const alpha = top[3] + base[3] * (1 - top[3]);
  if (alpha === 0) return [0, 0, 0, 0];
  const channel = (i: number) => (top[i] * top[3] + base[i] * base[3] * (1 - top[3])) / alpha;
  return [channel(0), channel(1), channel(2), alpha];
}

function roundedSquare(x: number, y: number, half: number, radius: number): boolean {
  const dx = Math.max(Math.abs(x) - (half - radius), 0);
  const dy = Math.max(Math.abs(y) - (half - radius), 0);
  return dx * dx + dy * dy <= radius * radius;
}

const background = { top: [0.13, 0.16, 0.27, 1] as Rgba, bottom: [0.07, 0.09, 0.15, 1] as Rgba };
const fire = { inner: [0.93, 0.2, 0.13, 1] as Rgba, outer: [1.0, 0.66, 0.15, 1] as Rgba };
const gold: Rgba = [0.98, 0.8, 0.35, 1];

/** Colour of one sample point in icon coordinates centred on 0,0 (y down). */
function shade(x: number, y: number): Rgba {
  let colour: Rgba = [0, 0, 0, 0];
  if (roundedSquare(x, y, 240, 100)) colour = mix(background.top, background.bottom, (y + 240) / 480);
  const r = Math.hypot(x, y);
  const angle = Math.atan2(y, x);
  // Flames: eight tongues leaning clockwise, their length varying with angle.
  const flames = 8;
  const phase = (((angle + Math.PI) / (2 * Math.PI)) * flames) % 1;
  const tongue = Math.pow(1 - phase, 1.6);
  const flameOuter = 150 + 70 * tongue;
  if (r >= 120 && r <= flameOuter) {
    const t = Math.min(1, (r - 120) / 100);
    colour = over(colour, mix(fire.inner, fire.outer, t));
  }
  // The wheel: a golden rim, a hub and six spokes.
  if (r >= 120 && r <= 150) colour = over(colour, gold);
  if (r <= 38) colour = over(colour, gold);
  if (r > 38 && r < 120) {
    for (let spoke = 0; spoke < 6; spoke++) {
      const a = (spoke * Math.PI) / 3;
      const distance = Math.abs(-Math.sin(a) * x + Math.cos(a) * y);
      const along = Math.cos(a) * x + Math.sin(a) * y;
      if (distance <= 9 && along > -120 && along < 120) colour = over(colour, gold);
    }
  }
  if (r <= 16) colour = over(colour, background.bottom);
  return colour;
}

function crc32(bytes: Uint8Array): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

export function renderIconPng(): Buffer {
  const raw = Buffer.alloc(size * (1 + size * 4));
  for (let py = 0; py < size; py++) {
    raw[py * (1 + size * 4)] = 0; // filter: none
    for (let px = 0; px < size; px++) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const c = shade(px + (sx + 0.5) / samples - size / 2, py + (sy + 0.5) / samples - size / 2);
          // Premultiply while averaging so edges blend correctly.
          sum[0] += c[0] * c[3];
          sum[1] += c[1] * c[3];
          sum[2] += c[2] * c[3];
          sum[3] += c[3];
        }
      }
      const alpha = sum[3] / (samples * samples);
      const offset = py * (1 + size * 4) + 1 + px * 4;
      for (let i = 0; i < 3; i++) raw[offset + i] = alpha === 0 ? 0 : Math.round((sum[i] / sum[3]) * 255);
      raw[offset + 3] = Math.round(alpha * 255);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array()),
  ]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = resolve(process.argv[2] ?? 'resources/icon.png');
  writeFileSync(out, renderIconPng());
  console.log(`wrote ${out}`);
}
