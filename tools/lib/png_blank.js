// png_blank.js FILE.png: decodes a PNG screenshot (8-bit RGB/RGBA, non-interlaced: what
// Chromium writes) with Node's zlib and prints "pixels=N other=N share=F" — how many pixels
// differ from the most common colour. Exit 1 when the picture is blank (share < 0.5 %).
'use strict';
const fs = require('fs');
const zlib = require('zlib');
const buf = fs.readFileSync(process.argv[2]);
if (buf.readUInt32BE(0) !== 0x89504e47) { console.error('not a PNG'); process.exit(2); }
let pos = 8, width = 0, height = 0, depth = 0, type = 0, interlace = 0;
const idat = [];
while (pos < buf.length) {
  const len = buf.readUInt32BE(pos), kind = buf.toString('latin1', pos + 4, pos + 8);
  const data = buf.subarray(pos + 8, pos + 8 + len);
  if (kind === 'IHDR') { width = data.readUInt32BE(0); height = data.readUInt32BE(4); depth = data[8]; type = data[9]; interlace = data[12]; }
  if (kind === 'IDAT') idat.push(data);
  if (kind === 'IEND') break;
  pos += 12 + len;
}
const bpp = {2: 3, 6: 4}[type];
if (depth !== 8 || !bpp || interlace) { console.error(`unsupported PNG: depth ${depth} colour type ${type} interlace ${interlace}`); process.exit(2); }
const raw = zlib.inflateSync(Buffer.concat(idat));
const stride = width * bpp;
const px = Buffer.alloc(stride * height);
for (let y = 0; y < height; y++) {
  const f = raw[y * (stride + 1)], src = y * (stride + 1) + 1, row = y * stride, prev = row - stride;
  for (let i = 0; i < stride; i++) {
    const x = raw[src + i];
    const a = i >= bpp ? px[row + i - bpp] : 0, b = y > 0 ? px[prev + i] : 0, c = i >= bpp && y > 0 ? px[prev + i - bpp] : 0;
    let v;
    switch (f) {
      case 0: v = x; break;
      case 1: v = x + a; break;
      case 2: v = x + b; break;
      case 3: v = x + ((a + b) >> 1); break;
      case 4: { const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c); v = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c); break; }
      default: console.error(`bad filter ${f}`); process.exit(2);
    }
    px[row + i] = v & 255;
  }
}
const counts = new Map();
for (let i = 0; i < px.length; i += bpp) {
  const k = (px[i] << 16) | (px[i + 1] << 8) | px[i + 2];
  counts.set(k, (counts.get(k) || 0) + 1);
}
const total = width * height;
const top = Math.max(...counts.values());
const share = (total - top) / total;
console.log(`pixels=${total} other=${total - top} colours=${counts.size} share=${share.toFixed(4)}`);
process.exit(share < 0.005 ? 1 : 0);
