// Decoding: payloads/s for CCCD and BHYT through decodeScan (baseline: the bare minimum of work on the same
// bytes, UTF-8 decoding and splitting on "|"). Garbage framing: 10 MB without a terminator pushed through the
// serial framer in 64-byte chunks; linear time means 10 MB costs about 4x 2.5 MB (baseline: indexOf over the
// same chunks, the cheapest scan that still looks at every byte).
import { performance } from 'node:perf_hooks';
import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { bhyt, cccd } from '../../scripts/lib/payloads.mjs';
import { dist, median } from '../../scripts/lib/util.mjs';
import { row } from './row.mjs';

/** The decoder's zone option for a kiosk in Vietnam (UTC+7 all year). */
const VIETNAM = { utcOffsetMinutes: 420 };

function rate(n, fn) {
  const start = performance.now();
  for (let i = 0; i < n; i += 1) fn(i);
  return n / ((performance.now() - start) / 1000);
}

function garbage(bytes) {
  // Random bytes without CR or LF: one endless "scan".
  const buf = randomBytes(bytes);
  for (let i = 0; i < buf.length; i += 1) if (buf[i] === 0x0d || buf[i] === 0x0a) buf[i] = 0x20;
  return buf;
}

function timeChunks(buf, chunk, fn) {
  const start = performance.now();
  for (let off = 0; off < buf.length; off += chunk) fn(buf.subarray(off, off + chunk));
  return (performance.now() - start) / 1000;
}

export async function run({ quick }) {
  const { decodeScan } = await dist('src/decode/index.js');
  const { Framer } = await dist('drivers/serial/framer.js');
  const runs = quick ? 3 : 7;
  const n = quick ? 10_000 : 50_000;
  const at = new Date();
  const kinds = {
    CCCD: Array.from({ length: 1000 }, (_, i) => Buffer.from(cccd(i))),
    BHYT: Array.from({ length: 1000 }, (_, i) => Buffer.from(bhyt(i, at))),
  };
  const rows = [];
  for (const [kind, payloads] of Object.entries(kinds)) {
    if (!decodeScan(payloads[0], at, VIETNAM).ok) throw new Error(`${kind} fixture does not decode`);
    rate(2000, (i) => decodeScan(payloads[i % 1000], at, VIETNAM)); // warm-up
    const ours = [],
      bare = [];
    for (let r = 0; r < runs; r += 1) {
      ours.push(rate(n, (i) => decodeScan(payloads[i % 1000], at, VIETNAM)));
      bare.push(rate(n, (i) => payloads[i % 1000].toString('utf8').split('|')));
    }
    rows.push(
      row(`decode ${kind}`, median(ours), 'payloads/s', {
        baseline: median(bare),
        target: '>= 10000/s (100x a gate)',
        pass: median(ours) >= 10_000,
        note: `median of ${runs} runs of ${n}; baseline = utf8 decode + split('|')`,
      }),
    );
  }
  const big = garbage(10 * 2 ** 20);
  const quarter = big.subarray(0, big.length / 4);
  const framed = (buf) => {
    const framer = new Framer({ terminator: 'auto', maxFrameBytes: 4096 });
    const out = () => undefined;
    return timeChunks(buf, 64, (c) => framer.push(c, out));
  };
  const t10 = [],
    t25 = [],
    bare10 = [];
  for (let r = 0; r < runs; r += 1) {
    t25.push(framed(quarter));
    t10.push(framed(big));
    bare10.push(timeChunks(big, 64, (c) => c.indexOf(0x0d)));
  }
  const linear = median(t10) / median(t25);
  rows.push(
    row('framing 10 MB garbage (64-byte chunks)', median(t10), 's', {
      baseline: median(bare10),
      target: '<= 1 s',
      pass: median(t10) <= 1,
      note: 'baseline = indexOf(CR) over the same chunks',
    }),
  );
  rows.push(row('framing linearity t(10 MB)/t(2.5 MB)', linear, 'x', { target: '<= 5 (4 = linear)', pass: linear <= 5 }));
  return rows;
}
