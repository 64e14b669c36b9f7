// A TCP proxy on loopback between the daemon and the broker. It can add a one-way delay to every chunk in both
// directions (delay 25 ms each way = 50 ms RTT; NODELAY on its own sockets so it adds no Nagle wait of its own),
// and it can black-hole: keep every socket open but stop forwarding, without FIN or RST (a half-open link).
import { setTimeout } from 'node:timers';
import { createServer, createConnection } from 'node:net';

export class Proxy {
  #server;
  #pairs = new Set();
  blackhole = false;
  connections = 0;
  /** Set by listen(). */
  port = 0;
  url = '';

  constructor(targetPort, oneWayDelayMs = 0) {
    this.targetPort = targetPort;
    this.delay = oneWayDelayMs;
  }

  async listen() {
    this.#server = createServer((client) => this.#accept(client));
    await new Promise((r) => this.#server.listen(0, '127.0.0.1', r));
    this.port = this.#server.address().port;
    this.url = `mqtt://127.0.0.1:${this.port}`;
  }

  #accept(client) {
    this.connections += 1;
    const upstream = createConnection({ port: this.targetPort, host: '127.0.0.1' });
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const pair = { client, upstream, dead: this.blackhole };
    this.#pairs.add(pair);
    this.#pipe(client, upstream, pair);
    this.#pipe(upstream, client, pair);
    const close = () => {
      if (pair.dead) return; // a black-holed link says nothing, not even goodbye
      client.destroy();
      upstream.destroy();
      this.#pairs.delete(pair);
    };
    client.on('close', close).on('error', () => undefined);
    upstream.on('close', close).on('error', () => undefined);
  }

  #pipe(from, to, pair) {
    from.on('data', (chunk) => {
      if (pair.dead) return;
      if (this.delay === 0) to.write(chunk);
      else setTimeout(() => !pair.dead && !to.destroyed && to.write(chunk), this.delay);
    });
  }

  /** From now on every existing connection silently drops what it receives; new connections work. */
  cut() {
    for (const pair of this.#pairs) pair.dead = true;
  }

  async close() {
    for (const { client, upstream } of this.#pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.#pairs.clear();
    await /** @type {Promise<void>} */ (new Promise((r) => (this.#server ? this.#server.close(() => r()) : r())));
  }
}
