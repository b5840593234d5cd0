// Draws images/icon.png (128x128): an orange lambda on a dark rounded square, with a drop leaking
// from its foot. Plain Node (zlib) so no image tool is needed; the PNG is committed, this is how it was made.
import { writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";

const SIZE = 128;
const SAMPLES = 4; // supersampling per axis, for smooth edges

const BACKGROUND = [35, 47, 62];
const LAMBDA = [255, 153, 0];
const DROP = [86, 180, 233];

function segmentDistance(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function insideRoundedSquare(x, y) {
  const radius = 24;
  const cx = Math.min(Math.max(x, radius), SIZE - radius);
  const cy = Math.min(Math.max(y, radius), SIZE - radius);
  return Math.hypot(x - cx, y - cy) <= radius;
}

function insideLambda(x, y) {
  const stroke = 7;
  const strokes = [
    [[34, 26], [46, 26]], // the top serif
    [[46, 26], [90, 98]], // the long leg
    [[64, 56], [38, 98]], // the short leg
    [[90, 98], [98, 98]], // the foot
  ];
  return strokes.some(([a, b]) => segmentDistance(x, y, a, b) <= stroke);
}

function insideDrop(x, y) {
  const cx = 99;
  const cy = 116 - 4;
  const r = 7;
  if (Math.hypot(x - cx, y - cy) <= r) {
    return true;
  }
  // the pointed top: a triangle from the circle up to the foot
  const top = 100;
  if (y < top || y > cy) {
    return false;
  }
  const half = (r * (y - top)) / (cy - top);
  return Math.abs(x - cx) <= half;
}

const rows = [];
for (let y = 0; y < SIZE; y++) {
  const row = Buffer.alloc(1 + SIZE * 4);
  for (let x = 0; x < SIZE; x++) {
    let r = 0, g = 0, b = 0, a = 0;
    for (let sy = 0; sy < SAMPLES; sy++) {
      for (let sx = 0; sx < SAMPLES; sx++) {
        const px = x + (sx + 0.5) / SAMPLES;
        const py = y + (sy + 0.5) / SAMPLES;
        if (!insideRoundedSquare(px, py)) {
          continue;
        }
        const color = insideDrop(px, py) ? DROP : insideLambda(px, py) ? LAMBDA : BACKGROUND;
        r += color[0];
        g += color[1];
        b += color[2];
        a += 1;
      }
    }
    const offset = 1 + x * 4;
    if (a > 0) {
      row[offset] = Math.round(r / a);
      row[offset + 1] = Math.round(g / a);
      row[offset + 2] = Math.round(b / a);
    }
    row[offset + 3] = Math.round((255 * a) / (SAMPLES * SAMPLES));
  }
  rows.push(row);
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) {
    c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return c >>> 0;
});
function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) {
    c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  }
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bit depth
header[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk("IHDR", header),
  chunk("IDAT", deflateSync(Buffer.concat(rows), { level: 9 })),
  chunk("IEND", Buffer.alloc(0)),
]);
writeFileSync(new URL("../images/icon.png", import.meta.url), png);
console.log(`images/icon.png: ${png.length} bytes`);
