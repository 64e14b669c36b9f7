/**
 * The embedded MQTT broker (aedes) the kiosks connect to. Its hooks are central's gate:
 * - authenticate: user `SITE/DEVICE` with the password `kiosk add` printed (or none, with broker.allowAnonymous);
 * - authorizePublish: every kiosk publish goes through the ingest, and aedes writes the PUBACK only after this hook
 *   calls back (lib/handlers/publish.js), so a check-in is acknowledged only once its row is committed;
 * - authorizeSubscribe: a kiosk may subscribe only within its own `B/request/` topics; anything else is refused
 *   (SUBACK failure) and counted.
 * In front of aedes, which sets no maximum packet size, packet-guard.ts cuts a connection whose next packet
 * announces more than `broker.maxMessageBytes` + PACKET_OVERHEAD bytes, before its body is read into memory.
 */
import { Aedes, type Client, type Subscription } from 'aedes';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { isLoopbackHost } from '../config/transport.js';
import { CENTRAL_CODES } from '../core/codes.js';
import type { Logger } from '../logger.js';
import type { RequestOp, RequestPayloads } from '../forwarder/contract.js';
import { publishRequest, type BrokerSide } from './broker-side.js';
import type { CentralConfig } from './config-schema.js';
import type { Ingest } from './ingest.js';
import { kioskOfUsername, verifyKioskPassword } from './kiosk-credentials.js';
import type { CentralMetrics } from './metrics.js';
import { guardPacketSize } from './packet-guard.js';
import type { CentralStore, KioskId } from './store-types.js';

/** Room for a PUBLISH's topic, packet id and MQTT 5 properties next to a payload of broker.maxMessageBytes. */
export const PACKET_OVERHEAD = 4096;
/** A cut for an oversized packet is logged at most once in this period (a flood must not flood the journal). */
const OVERSIZED_LOG_MS = 60_000;

interface Identity {
  readonly kiosk: KioskId | null;
}

export interface BrokerDeps {
  readonly config: CentralConfig['broker'];
  readonly store: CentralStore;
  readonly ingest: Ingest;
  readonly metrics: CentralMetrics;
  readonly log: Logger;
}

export class EmbeddedBroker implements BrokerSide {
  private aedes: Aedes | null = null;
  private server: Server | null = null;
  private readonly identities = new WeakMap<Client, Identity>();
  private oversizedLoggedAt = -Infinity;
  private oversizedSinceLog = 0;
  url = '';

  constructor(private readonly deps: BrokerDeps) {}

  get connectedClients(): number {
    return this.aedes?.connectedClients ?? 0;
  }

  status(): { ok: boolean; detail: string } {
    return this.aedes === null || this.url === ''
      ? { ok: false, detail: 'not listening' }
      : { ok: true, detail: `${this.connectedClients} clients` };
  }

  async start(): Promise<string> {
    const { config: c, log } = this.deps;
    if (c.allowAnonymous)
      log.warn(
        { code: 'W_CENTRAL_ANONYMOUS' },
        'broker.allowAnonymous is on: any client may connect without a password and publish as any kiosk (UNSAFE: for demos and tests only)',
      );
    // The configuration refuses it unless broker.listen.allowPlaintext says so (config-load.ts): said at every start.
    if (c.listen.tls === undefined && !isLoopbackHost(c.listen.host))
      log.warn({ code: 'W_CENTRAL_PLAINTEXT', host: c.listen.host }, CENTRAL_CODES.W_CENTRAL_PLAINTEXT.en);
    const aedes = await Aedes.createBroker({
      authenticate: (client, username, password, done) => this.authenticate(client, username, password, done),
      authorizePublish: (client, packet, done) => {
        if (client === null) return done(null);
        const id = this.identities.get(client);
        if (id === undefined) return done(new Error('not authenticated'));
        this.deps.ingest.handle(packet.topic, packet.payload as Buffer, id.kiosk).then(
          (decision) => done(decision === 'ack' ? null : new Error('refused')),
          () => done(new Error('ingest failed')),
        );
      },
      authorizeSubscribe: (client, sub, done) => done(null, this.allowSubscription(client, sub) ? sub : null),
    });
    aedes.on('clientError', (_client, err) => log.debug({ err: err.message }, 'mqtt client error'));
    this.aedes = aedes;
    const tls = c.listen.tls;
    const handle = (socket: Socket | TLSSocket): void => {
      guardPacketSize(socket, c.maxMessageBytes + PACKET_OVERHEAD, (announced) => this.oversized(announced));
      aedes.handle(socket);
    };
    const server =
      tls === undefined
        ? createServer(handle)
        : createTlsServer(
            {
              cert: readFileSync(tls.cert),
              key: readFileSync(tls.key),
              ...(tls.ca === undefined ? {} : { ca: readFileSync(tls.ca), requestCert: true }),
              rejectUnauthorized: tls.requireClientCert,
            },
            handle,
          );
    // Small QoS 1 messages: PUBACKs must not wait for Nagle (docs/mqtt.md, "The central broker should do the same").
    server.on('connection', (s: { setNoDelay?: (on: boolean) => void }) => s.setNoDelay?.(true));
    server.on('secureConnection', (s: TLSSocket) => s.setNoDelay(true));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(c.listen.port, c.listen.host, () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    const host = c.listen.host === '0.0.0.0' || c.listen.host === '::' ? '127.0.0.1' : c.listen.host;
    this.url = `${tls === undefined ? 'mqtt' : 'mqtts'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
    return this.url;
  }

  /** Publishes a request to a kiosk (QoS 1; its persistent session keeps it while it is away). */
  request<Op extends RequestOp>(k: KioskId, op: Op, body: RequestPayloads[Op]): void {
    publishRequest(this.deps, k, op, body, (topic, payload, done) =>
      this.aedes?.publish({ cmd: 'publish', topic, payload, qos: 1, retain: false, dup: false }, done),
    );
  }

  async stop(): Promise<void> {
    const aedes = this.aedes;
    const server = this.server;
    this.aedes = null;
    this.server = null;
    // The broker first: it closes every client connection, which the listener's close waits for.
    if (aedes !== null) await new Promise<void>((r) => aedes.close(() => r()));
    if (server !== null) await new Promise<void>((r) => server.close(() => r()));
  }

  /** A connection cut for an oversized packet: counted as refused `oversized`, logged without a byte of it. */
  private oversized(announced: number): void {
    this.deps.metrics.refuse('oversized');
    this.oversizedSinceLog += 1;
    const now = performance.now();
    if (now - this.oversizedLoggedAt < OVERSIZED_LOG_MS) return;
    this.deps.log.warn(
      { reason: 'oversized', announcedBytes: announced, connections: this.oversizedSinceLog },
      'mqtt connection cut: a packet larger than broker.maxMessageBytes was announced',
    );
    this.oversizedLoggedAt = now;
    this.oversizedSinceLog = 0;
  }

  private authenticate(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
    done: (err: (Error & { returnCode: number }) | null, ok: boolean | null) => void,
  ): void {
    const refuse = (why: string): void => {
      this.deps.metrics.authFailures.inc();
      this.deps.log.warn({ reason: why }, 'mqtt connection refused');
      done(Object.assign(new Error(why), { returnCode: 4 }), null);
    };
    const socket = client.conn as Partial<TLSSocket>;
    if (
      typeof socket.getPeerCertificate === 'function' &&
      socket.authorized === false &&
      Object.keys(socket.getPeerCertificate()).length > 0
    )
      return refuse('client certificate not signed by broker.listen.tls.ca');
    if (username === undefined || username === '') {
      if (!this.deps.config.allowAnonymous) return refuse('no user name');
      this.identities.set(client, { kiosk: null });
      return done(null, true);
    }
    const kiosk = kioskOfUsername(username);
    if (kiosk === null) return refuse('unknown kiosk or wrong password');
    // A certificate names the kiosk it was issued to: another kiosk's password must not ride on it.
    const cn =
      typeof socket.getPeerCertificate === 'function' && socket.authorized === true ? socket.getPeerCertificate().subject?.CN : undefined;
    if (cn !== undefined && cn !== username) return refuse('client certificate issued to another kiosk (its CN must be SITE/DEVICE)');
    this.deps.store.kioskPassword(kiosk).then(
      (stored) => {
        if (stored === null || password === undefined || !verifyKioskPassword(password.toString('utf8'), stored))
          return refuse('unknown kiosk or wrong password');
        this.identities.set(client, { kiosk });
        done(null, true);
      },
      (err: unknown) => {
        // The store does not answer: refused as "server unavailable" (3), so the kiosk tries again later.
        this.deps.log.error({ err }, 'could not check a kiosk password');
        done(Object.assign(new Error('store unavailable'), { returnCode: 3 }), null);
      },
    );
  }

  private allowSubscription(client: Client, sub: Subscription): boolean {
    const kiosk = this.identities.get(client)?.kiosk;
    const base = this.deps.config.baseTopic;
    const parts = sub.topic.split('/');
    const ok =
      kiosk !== undefined &&
      sub.topic.startsWith(`${base}/`) &&
      parts.length === base.split('/').length + 4 &&
      parts.at(-2) === 'request' &&
      !parts.slice(0, -1).some((p) => p === '+' || p === '#') &&
      (kiosk === null || sub.topic.startsWith(`${base}/${kiosk.site}/${kiosk.device}/request/`));
    if (!ok) {
      this.deps.metrics.refusedSubscriptions.inc();
      this.deps.log.warn({ site: kiosk?.site, device: kiosk?.device }, 'subscription refused (outside the kiosk’s request topics)');
    }
    return ok;
  }
}
