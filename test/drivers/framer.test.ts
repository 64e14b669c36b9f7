/** The pure byte framer: table-driven cases and a property over any payload list and any chunking. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Terminator } from '../../drivers/config.js';
import { Framer, type FramerOutput } from '../../drivers/serial/framer.js';

function run(terminator: Terminator, chunks: Array<string | Uint8Array>, opts: { max?: number; flush?: boolean } = {}): FramerOutput[] {
  const framer = new Framer({ terminator, maxFrameBytes: opts.max ?? 4096 });
  const out: FramerOutput[] = [];
  for (const c of chunks) framer.push(typeof c === 'string' ? Buffer.from(c, 'utf8') : c, (o) => out.push(o));
  if (opts.flush) framer.flush((o) => out.push(o));
  return out;
}

const frames = (outs: FramerOutput[]): string[] => outs.flatMap((o) => (o.kind === 'frame' ? [Buffer.from(o.bytes).toString('utf8')] : []));

describe('Framer (table)', () => {
  const cases: Array<[string, Terminator, string[], string[], boolean?]> = [
    ['cr ends on CR', 'cr', ['ab\rcd\r'], ['ab', 'cd']],
    ['cr keeps LF as data', 'cr', ['ab\r\ncd\r'], ['ab', '\ncd']],
    ['lf ends on LF and keeps a CR before it', 'lf', ['ab\r\ncd\n'], ['ab\r', 'cd']],
    ['crlf needs both bytes', 'crlf', ['a\rb\nc\r\n'], ['a\rb\nc']],
    ['crlf split between chunks', 'crlf', ['ab\r', '\ncd\r', '\n'], ['ab', 'cd']],
    ['crlf: CR CR LF keeps one CR as data', 'crlf', ['ab\r\r\n'], ['ab\r']],
    ['crlf: a trailing CR with no LF is data at flush', 'crlf', ['ab\r'], ['ab\r'], true],
    ['auto: CR, LF, CRLF each end one scan', 'auto', ['a\rb\nc\r\nd\r'], ['a', 'b', 'c', 'd']],
    ['auto: CRLF split across chunks makes no empty frame', 'auto', ['a\r', '\nb\r', '\n'], ['a', 'b']],
    ['auto: blank lines produce nothing', 'auto', ['\r\n\r\n\n\r'], []],
    ['none: only flush ends a scan', 'none', ['a\rb\n', 'c'], ['a\rb\nc'], true],
    ['none: nothing before the flush', 'none', ['abc'], []],
    ['unterminated tail is held until flush', 'cr', ['ab\rcd'], ['ab']],
    ['unterminated tail is delivered by flush', 'cr', ['ab\rcd'], ['ab', 'cd'], true],
    ['flush with nothing pending emits nothing', 'auto', ['ab\r'], ['ab'], true],
  ];
  it.each(cases)('%s', (_name, terminator, chunks, expected, flush) => {
    expect(frames(run(terminator, chunks, { flush: flush ?? false }))).toEqual(expected);
  });

  it('keeps a multi-byte UTF-8 character split across chunks', () => {
    const bytes = Buffer.from('Mẫu\r', 'utf8'); // ẫ is 3 bytes
    const outs = run('auto', [bytes.subarray(0, 2), bytes.subarray(2, 3), bytes.subarray(3, 4), bytes.subarray(4)]);
    expect(frames(outs)).toEqual(['Mẫu']);
  });

  it('a frame of exactly maxFrameBytes passes; one more byte is discarded and reported once', () => {
    expect(frames(run('cr', ['x'.repeat(64) + '\r'], { max: 64 }))).toEqual(['x'.repeat(64)]);
    const outs = run('cr', ['x'.repeat(40), 'x'.repeat(40), 'x'.repeat(40), '\rok\r'], { max: 64 });
    expect(outs.map((o) => o.kind)).toEqual(['overflow', 'overflow-end', 'frame']);
    expect(outs[1]).toEqual({ kind: 'overflow-end', discarded: 120 });
    expect(frames(outs)).toEqual(['ok']);
  });

  it('an over-long run ended by the idle flush is reported and the next scan is clean', () => {
    const framer = new Framer({ terminator: 'none', maxFrameBytes: 64 });
    const out: FramerOutput[] = [];
    framer.push(Buffer.alloc(1000, 0x41), (o) => out.push(o));
    expect(framer.pendingBytes).toBe(0);
    framer.flush((o) => out.push(o));
    framer.push(Buffer.from('ok'), (o) => out.push(o));
    framer.flush((o) => out.push(o));
    expect(out.map((o) => o.kind)).toEqual(['overflow', 'overflow-end', 'frame']);
  });

  // Linear time is a bench row ("framing linearity t(10 MB)/t(2.5 MB)", bench/scenarios/decode.mjs, same-run ratio
  // over medians): one pair of timings on a shared, busy machine cannot tell a quadratic framer from a stalled core.
  // Here: the buffer stays bounded all the way, one overflow is reported, and the framer still frames afterwards.
  it('frames 10 MB of garbage with a bounded buffer, and frames again after it', () => {
    const framer = new Framer({ terminator: 'auto', maxFrameBytes: 4096 });
    const chunk = Buffer.alloc(65536, 0x41);
    let overflows = 0;
    const t0 = performance.now();
    for (let i = 0; i < 160; i++) {
      framer.push(chunk, (o) => (overflows += o.kind === 'overflow' ? 1 : 0));
      expect(framer.pendingBytes).toBeLessThanOrEqual(4096);
    }
    const ms10 = performance.now() - t0;
    expect(overflows).toBe(1);
    const after: FramerOutput[] = [];
    framer.push(Buffer.from('\r001190012345|x\r'), (o) => after.push(o));
    expect(after.map((o) => o.kind)).toEqual(['overflow-end', 'frame']);
    expect(frames(after)).toEqual(['001190012345|x']);
    console.info(`[measure] pure framer: 10 MB of garbage in ${ms10.toFixed(1)} ms`);
  });
});

describe('Framer (property)', () => {
  const payload = fc
    .array(fc.oneof(fc.constantFrom('a', 'Z', '|', ' ', 'ễ', 'Đ', '9', '€', '😀'), fc.string({ minLength: 1, maxLength: 3 })), {
      minLength: 1,
      maxLength: 40,
    })
    .map((parts) => parts.join('').replace(/[\r\n]/g, ''))
    .filter((s) => s.length > 0);

  const cuts = (total: number) => fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, total - 1) }), { maxLength: 12 });

  it.each(['cr', 'lf', 'crlf', 'auto'] as const)('for any payloads and any chunking, %s frames out = payloads in', (terminator) => {
    const suffix = { cr: '\r', lf: '\n', crlf: '\r\n', auto: '\r\n' }[terminator];
    fc.assert(
      fc.property(
        fc.array(payload, { minLength: 1, maxLength: 8 }).chain((list) => {
          const bytes = Buffer.from(list.map((p) => p + suffix).join(''), 'utf8');
          return fc.tuple(fc.constant(list), fc.constant(bytes), cuts(bytes.length));
        }),
        ([list, bytes, cutPoints]) => {
          const points = [0, ...cutPoints.filter((c) => c < bytes.length).sort((a, b) => a - b), bytes.length];
          const chunks = points.slice(1).map((end, i) => bytes.subarray(points[i], end));
          expect(frames(run(terminator, chunks))).toEqual(list);
        },
      ),
      { numRuns: 300 },
    );
  });
});
