/**
 * `node out/scripts/render-icon.js`: draws the extension's icon, media/icon.png (128×128 RGBA): a
 * causal attention matrix (row-normalised weights, bright on the diagonal) under a lens. Drawn here
 * rather than kept only as a binary so that it can be changed and drawn again.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

const SIZE = 128;
/** Samples per pixel along each axis: edges are anti-aliased by averaging. */
const SUPERSAMPLE = 4;
const OUT = path.resolve(__dirname, '../../media/icon.png');

type Rgba = readonly [number, number, number, number];

const GRID = { cells: 6, origin: 18, cell: 13, gap: 2 } as const;
const LENS = { x: 82, y: 82, radius: 22, ring: 6, handleEnd: 114, handleWidth: 10 } as const;

function mix(a: Rgba, b: Rgba, t: number): Rgba {
  return [0, 1, 2, 3].map((i) => a[i]! + (b[i]! - a[i]!) * t) as unknown as Rgba;
}

/** Softmax weight of key j for query i under a causal mask, scaled so each row's largest is 1. */
function weight(i: number, j: number): number {
  return j > i ? 0 : Math.exp(-0.8 * (i - j));
}

function background(y: number): Rgba {
  return mix([32, 44, 74, 255], [16, 22, 38, 255], y / SIZE);
}

function insideRoundedSquare(x: number, y: number): boolean {
  const r = 24;
  const cx = Math.min(Math.max(x, r), SIZE - r);
  const cy = Math.min(Math.max(y, r), SIZE - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

function matrixCell(x: number, y: number): Rgba | null {
  const pitch = GRID.cell + GRID.gap;
  const col = Math.floor((x - GRID.origin) / pitch);
  const row = Math.floor((y - GRID.origin) / pitch);
  if (col < 0 || row < 0 || col >= GRID.cells || row >= GRID.cells) return null;
  if ((x - GRID.origin) - col * pitch > GRID.cell || (y - GRID.origin) - row * pitch > GRID.cell) return null;
  const w = weight(row, col);
  return w === 0 ? [44, 58, 94, 255] : mix([38, 110, 132, 255], [255, 184, 76, 255], w);
}

/** The lens: a ring and a handle towards the bottom-right corner; inside the ring the matrix shows brighter. */
function lens(x: number, y: number, under: Rgba): Rgba {
  const d = Math.hypot(x - LENS.x, y - LENS.y);
  const ringColour: Rgba = [236, 241, 250, 255];
  if (Math.abs(d - LENS.radius) <= LENS.ring / 2) return ringColour;
  // Distance to the handle's segment, from the ring's edge along the diagonal.
  const start = LENS.x + (LENS.radius + LENS.ring / 2) / Math.SQRT2;
  const t = Math.min(Math.max(((x - start) + (y - start)) / 2, 0), LENS.handleEnd - start);
  if (Math.hypot(x - (start + t), y - (start + t)) <= LENS.handleWidth / 2) return ringColour;
  if (d < LENS.radius) return mix(under, [255, 255, 255, 255], 0.18);
  return under;
}

function colourAt(x: number, y: number): Rgba {
  if (!insideRoundedSquare(x, y)) return [0, 0, 0, 0];
  return lens(x, y, matrixCell(x, y) ?? background(y));
}

export function renderIcon(): Buffer {
  const rows: Buffer[] = [];
  for (let py = 0; py < SIZE; py++) {
    const row = Buffer.alloc(1 + SIZE * 4); // filter byte 0: none
    for (let px = 0; px < SIZE; px++) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < SUPERSAMPLE; sy++) {
        for (let sx = 0; sx < SUPERSAMPLE; sx++) {
          const c = colourAt(px + (sx + 0.5) / SUPERSAMPLE, py + (sy + 0.5) / SUPERSAMPLE);
          // Premultiplied, so that transparent samples do not darken the edge.
          for (let i = 0; i < 3; i++) sum[i] += c[i]! * (c[3] / 255);
          sum[3] += c[3];
        }
      }
      const n = SUPERSAMPLE * SUPERSAMPLE;
      const alpha = sum[3]! / n;
      for (let i = 0; i < 3; i++) row[1 + px * 4 + i] = alpha === 0 ? 0 : Math.round((sum[i]! / n) * (255 / alpha));
      row[1 + px * 4 + 3] = Math.round(alpha);
    }
    rows.push(row);
  }
  return png(SIZE, SIZE, Buffer.concat(rows));
}

function png(width: number, height: number, scanlines: Buffer): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits per channel, RGBA, deflate, no filter, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(scanlines, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

if (require.main === module) {
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, renderIcon());
  process.stdout.write(`${path.relative(process.cwd(), OUT)}: ${SIZE}×${SIZE}\n`);
}
