/**
 * A size limit for MQTT packets in front of aedes, which has none (aedes 1.2: `mqtt.parser()` without options, and
 * mqtt-packet buffers a packet until its whole remaining length has arrived). Without it a client could make
 * central hold a 256 MB PUBLISH in memory before the ingest's `broker.maxMessageBytes` refused it. The guard reads
 * each packet's fixed header as the bytes pass (aedes takes them with `socket.read()`) and cuts the connection as
 * soon as a header announces more than the limit, before the body is buffered.
 */
import type { Duplex } from 'node:stream';

/** The fixed header's remaining length has at most 4 bytes of 7 bits (MQTT 3.1.1 §2.2.3, 5.0 §1.5.5). */
const MAX_LENGTH_BYTES = 4;

/**
 * Follows the packet boundaries of one MQTT byte stream. `feed` returns the remaining length of the first packet in
 * the chunk whose header announces more than `limit` bytes (or -1 for a length that is not MQTT), else null.
 */
export class PacketSizeTracker {
  /** Body bytes of the current packet still to pass. */
  private skip = 0;
  /** 0: at a packet's first byte; 1: reading its remaining length. */
  private state: 0 | 1 = 0;
  private length = 0;
  private lengthBytes = 0;

  constructor(private readonly limit: number) {}

  feed(chunk: Uint8Array): number | null {
    let i = 0;
    while (i < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        this.skip -= n;
        i += n;
      } else if (this.state === 0) {
        this.state = 1;
        this.length = 0;
        this.lengthBytes = 0;
        i += 1;
      } else {
        const b = chunk[i] as number;
        i += 1;
        this.length += (b & 0x7f) * 128 ** this.lengthBytes;
        this.lengthBytes += 1;
        if ((b & 0x80) !== 0) {
          if (this.lengthBytes >= MAX_LENGTH_BYTES) return -1;
          continue;
        }
        if (this.length > this.limit) return this.length;
        this.state = 0;
        this.skip = this.length;
      }
    }
    return null;
  }
}

/**
 * Wraps `socket.read` (what aedes' client calls on 'readable') so that every chunk passes the tracker first; a chunk
 * with an oversized header is not handed over, and the socket is destroyed. `onOversized` gets the announced size.
 */
export function guardPacketSize(socket: Duplex, limit: number, onOversized: (announced: number) => void): void {
  const tracker = new PacketSizeTracker(limit);
  const read = socket.read.bind(socket);
  socket.read = (size?: number): unknown => {
    const chunk: unknown = read(size);
    if (chunk === null || !(chunk instanceof Uint8Array)) return chunk;
    const over = tracker.feed(chunk);
    if (over === null) return chunk;
    socket.destroy();
    onOversized(over);
    return null;
  };
}
