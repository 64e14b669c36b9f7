/**
 * The packet size limit in front of aedes (which has none): a PUBLISH announcing 10 MB over a raw TCP connection is
 * cut after its header, before the body is read, counted as refused `oversized` and logged without its payload; the
 * header tracker follows packet boundaries however the stream is split.
 */
import fc from 'fast-check';
import mqttPacket from 'mqtt-packet';
import mqtt from 'mqtt';
import { createConnection } from 'node:net';
import { describe, expect, it } from 'vitest';
import { PacketSizeTracker } from '../../src/central/packet-guard.js';
import { createLogger } from '../../src/logger.js';
import { afterThisTest } from '../helpers/after-test.js';
import { startCentral, until } from './harness.js';

const MB10 = 10 * 1024 * 1024;

describe('MQTT packet size limit', () => {
  it('cuts a connection that announces a 10 MB PUBLISH before its body is read, counts it and logs no payload', async () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (l: string) => lines.push(l) } as unknown as NodeJS.WritableStream);
    const h = await startCentral(
      { broker: { listen: { host: '127.0.0.1', port: 0 }, allowAnonymous: true, groupCommitMs: 2 } },
      { logger },
    );
    const url = new URL(h.url);
    const socket = createConnection({ host: url.hostname, port: Number(url.port) });
    afterThisTest(() => socket.destroy());
    await new Promise<void>((r) => socket.once('connect', () => r()));
    const connack = new Promise<void>((r) => socket.once('data', () => r()));
    socket.write(
      mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: 'big', clean: true, keepalive: 30 }),
    );
    await connack;
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.on('error', () => undefined); // the reset when the broker cuts the connection
    // The fixed header of a 10 MB PUBLISH (QoS 1), its topic, then the body in 64 KiB pieces until the broker cuts.
    const topic = Buffer.from('qrgate/hq/k1/checkins');
    const remaining = 2 + topic.length + 2 + MB10;
    const lengthBytes: number[] = [];
    for (let n = remaining; ;) {
      const b = n % 128;
      n = Math.floor(n / 128);
      lengthBytes.push(n > 0 ? b | 0x80 : b);
      if (n === 0) break;
    }
    socket.write(Buffer.from([0x32, ...lengthBytes, 0, topic.length]));
    socket.write(Buffer.concat([topic, Buffer.from([0, 1])]));
    const piece = Buffer.alloc(65_536, 'SECRETPAYLOAD');
    let sent = 0;
    let isClosed = false;
    void closed.then(() => (isClosed = true));
    while (!isClosed && sent < MB10) {
      if (!socket.write(piece)) await Promise.race([new Promise((r) => socket.once('drain', r)), closed]);
      sent += piece.length;
    }
    await closed;
    // Cut long before the 10 MB were accepted (what the kernel's buffers hold is the most that was sent).
    expect(sent).toBeLessThan(MB10 / 2);
    const m = (await h.app.http.inject({ url: '/metrics' })).body;
    expect(m).toMatch(/qrgate_central_refused_total\{reason="oversized"\} 1\b/);
    await until(() => lines.some((l) => l.includes('"reason":"oversized"')), 'the cut logged');
    expect(lines.join('')).not.toContain('SECRETPAYLOAD');
    // Central goes on serving other connections.
    const ok = await mqtt.connectAsync(h.url, { clientId: 'small', protocolVersion: 4, reconnectPeriod: 0 });
    await ok.publishAsync('qrgate/hq/k1/health', '{}', { qos: 1 });
    await ok.endAsync();
  });

  it('follows packet boundaries across any split of the stream, and stops at the first packet over the limit', () => {
    const limit = 1000;
    const packet = fc.integer({ min: 0, max: 3 * limit }).map((n) => {
      const body = Buffer.alloc(n, 7);
      const header = mqttPacket.generate({ cmd: 'publish', topic: 't', payload: body, qos: 0, retain: false, dup: false });
      return { bytes: header, remaining: n + 3 };
    });
    fc.assert(
      fc.property(fc.array(packet, { maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1 }), (packets, cuts) => {
        const stream = Buffer.concat(packets.map((p) => p.bytes));
        const first = packets.find((p) => p.remaining > limit);
        const t = new PacketSizeTracker(limit);
        let found: number | null = null;
        for (let at = 0, i = 0; at < stream.length && found === null; i++) {
          const n = cuts[i % cuts.length] as number;
          found = t.feed(stream.subarray(at, at + n));
          at += n;
        }
        expect(found).toBe(first?.remaining ?? null);
      }),
    );
  });
});
