/**
 * qrgate central's configuration: one TypeBox schema gives the type, the validation, the defaults and the generated
 * reference (docs/central-config.md, `npm run docs:config`). The key names are a contract (issue 18).
 */
import { Type, type Static } from 'typebox';
import { DEFAULT_TIME_ZONE } from '../core/zone.js';

const file = (description: string) => Type.String({ minLength: 1, description });

export const BrokerTlsSchema = Type.Object(
  {
    cert: file('PEM certificate of the listener.'),
    key: file('PEM private key of the listener (mode 0600).'),
    ca: Type.Optional(file('PEM CA whose client certificates are accepted. Set it to let kiosks present certificates.')),
    requireClientCert: Type.Boolean({
      default: false,
      description: 'Refuse a kiosk that does not present a certificate signed by broker.listen.tls.ca (the password is still checked).',
    }),
  },
  { additionalProperties: false, description: 'TLS on the MQTT listener. Default: none (plain MQTT).' },
);

export const CentralBrokerSchema = Type.Object(
  {
    listen: Type.Object(
      {
        host: Type.String({ minLength: 1, default: '0.0.0.0', description: 'Address the embedded MQTT broker listens on.' }),
        port: Type.Integer({
          minimum: 0,
          maximum: 65_535,
          default: 1883,
          description: 'TCP port of the embedded MQTT broker (8883 is usual with TLS; 0: a free port).',
        }),
        tls: Type.Optional(BrokerTlsSchema),
        allowPlaintext: Type.Boolean({
          default: false,
          description:
            'UNSAFE. Listen in plain MQTT (no broker.listen.tls) on an address other than this machine’s loopback. Without TLS anyone on the network path reads every check-in (names, numbers, birth dates, addresses) and every kiosk’s password. Refused unless true; logged as unsafe at start when it is.',
        }),
      },
      { additionalProperties: false, default: {}, description: 'The listener kiosks connect to.' },
    ),
    baseTopic: Type.String({
      pattern: '^[^#+/$][^#+/]*$',
      default: 'qrgate',
      description: 'First level of every kiosk topic: {baseTopic}/{site}/{device}/… (the kiosks’ mqtt.baseTopic).',
    }),
    allowAnonymous: Type.Boolean({
      default: false,
      description:
        'Let a kiosk connect without a user name (then it may publish under any {baseTopic}/SITE/DEVICE). For demos and tests only: logged as unsafe at start.',
    }),
    maxMessageBytes: Type.Integer({
      minimum: 1024,
      maximum: 1_048_576,
      default: 65_536,
      description:
        'A kiosk message larger than this is refused and counted (a check-in is well under 4 KiB). With the embedded broker, a connection whose next MQTT packet announces more than this + 4 KiB is cut before the packet is read (counted as refused, oversized).',
    }),
    groupCommitMs: Type.Integer({
      minimum: 0,
      maximum: 50,
      default: 0,
      description:
        'Check-ins that arrive within this many milliseconds (at most 50) are committed together, or sooner once broker.groupCommitRows are waiting; each kiosk gets its acknowledgement (PUBACK) only after its row is committed. 0: commit once the messages read so far are parsed (batches still form while a commit runs); measured better latency and no worse throughput than 5 (docs/performance.md).',
    }),
    groupCommitRows: Type.Integer({
      minimum: 1,
      maximum: 10_000,
      default: 2000,
      description:
        'A group commit holds at most this many check-ins: a batch this large is committed at once, without waiting for broker.groupCommitMs, and what comes beyond it (while a commit runs) forms the next batch.',
    }),
    url: Type.Optional(
      Type.String({
        pattern: '^mqtts?://[^\\s]+$',
        description:
          'External broker (mqtt:// or mqtts://): central connects to it as a client and consumes the kiosks’ topics through a shared subscription, instead of running the embedded broker (broker.listen, broker.allowAnonymous and the kiosk passwords are then unused: the broker authenticates kiosks and its ACL guards their topics). Requires broker.clientId. See docs/central.md, "External broker".',
      }),
    ),
    clientId: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$',
        description:
          'With broker.url: this consumer’s MQTT client id, stable across restarts (its persistent session lives under it) and unique: two central processes must never share one (the broker would end one session whenever the other connects, and their unacknowledged messages would go back and forth).',
      }),
    ),
    username: Type.Optional(Type.String({ minLength: 1, description: 'With broker.url: the user name central connects with.' })),
    passwordFile: Type.Optional(file('With broker.url: a file holding central’s broker password (one line; the config never holds it).')),
    allowPlaintext: Type.Boolean({
      default: false,
      description:
        'UNSAFE. With broker.url: allow plain mqtt:// to a broker that is not on this machine. Without TLS anyone on the network path reads every check-in central receives and central’s broker password. Refused unless true; logged as unsafe at start when it is.',
    }),
    ca: Type.Optional(file('With broker.url: PEM CA that signed the broker’s certificate (mqtts://; the system CAs otherwise).')),
    cert: Type.Optional(file('With broker.url: PEM client certificate, for a broker that authenticates clients by certificate.')),
    key: Type.Optional(file('With broker.url: PEM private key of broker.cert (mode 0600).')),
    sharedGroup: Type.String({
      pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$',
      default: 'qrgate-central',
      description:
        'With broker.url: the shared-subscription group ($share/GROUP/…) the central consumers split the kiosks’ check-ins and rejects in. Every consumer writing to the same store uses the same group.',
    }),
    sessionExpirySec: Type.Integer({
      minimum: 0,
      maximum: 604_800,
      default: 300,
      description:
        'With broker.url: how long the broker keeps this consumer’s session (and queues its share of the messages) while it is disconnected. Long enough for a restart or an upgrade; short enough that a consumer that stays down stops taking its share after a few minutes (what it held is then repaired by the gap check and resend). See docs/central.md.',
    }),
  },
  {
    additionalProperties: false,
    default: {},
    description: 'The MQTT side: the embedded broker (aedes), or a client of an external broker (broker.url).',
  },
);

export const CentralStoreSchema = Type.Object(
  {
    path: Type.String({
      minLength: 1,
      default: '/var/lib/qrgate-central/central.db',
      description: 'SQLite database file (WAL, synchronous=FULL). Not used when store.url is set.',
    }),
    url: Type.Optional(
      Type.String({
        pattern: '^postgres(ql)?://',
        description:
          'PostgreSQL instead of SQLite: a connection URL, postgres://USER@HOST:PORT/DATABASE (the password preferably from PGPASSWORD or ~/.pgpass rather than in the URL; ?sslmode=require for TLS). Several central processes may share one database; the schema is created and migrated on start. Default: none (SQLite at store.path).',
      }),
    ),
    pool: Type.Integer({
      minimum: 1,
      maximum: 100,
      default: 4,
      description:
        'Connections each central process keeps to PostgreSQL (store.url only). Check-ins are inserted in batches, so a few suffice; the server must allow this many per process (max_connections).',
    }),
    keyFile: Type.String({
      minLength: 1,
      default: '/var/lib/qrgate-central/store.key',
      description:
        'Key that seals documents at rest (AES-256-GCM) and keys the number hashes. Created with mode 0600 on first run. Every central process sharing one PostgreSQL database must have a copy of the same key file: the database records its fingerprint and refuses another (E_STORE_KEY).',
    }),
    retentionDays: Type.Integer({
      minimum: 1,
      maximum: 3650,
      default: 21,
      description: 'Days a check-in (and a reject) is kept, counted from its scan.',
    }),
    writerThread: Type.Boolean({
      default: true,
      description:
        'Insert check-ins into the SQLite file on a thread of their own, so that commits do not hold the thread that talks MQTT (docs/performance.md). false: on the one thread, as a fallback.',
    }),
    auditRetentionDays: Type.Integer({
      minimum: 1,
      maximum: 3650,
      default: 365,
      description:
        'Days an entry of the audit log (who searched for what, the number as a keyed hash only) is kept. Longer than the check-ins, so that a query stays accountable after the data it returned is gone.',
    }),
  },
  { additionalProperties: false, default: {}, description: 'Central storage.' },
);

export const CentralHttpSchema = Type.Object(
  {
    host: Type.String({
      minLength: 1,
      default: '127.0.0.1',
      description: 'Address of the fleet page and API. Put a TLS reverse proxy in front of it when it is not 127.0.0.1.',
    }),
    port: Type.Integer({ minimum: 0, maximum: 65_535, default: 8090, description: 'TCP port of the fleet page and API (0: a free port).' }),
    sessionTtlMin: Type.Integer({ minimum: 1, maximum: 1440, default: 480, description: 'Minutes an operator login lasts.' }),
  },
  { additionalProperties: false, default: {}, description: 'The fleet page and API (fastify).' },
);

export const FleetSchema = Type.Object(
  {
    silentAfterMinutes: Type.Integer({
      minimum: 1,
      maximum: 100_000,
      default: 60,
      description: 'An online kiosk with no check-in for this many minutes is listed as silent (apart from offline ones).',
    }),
    resendAfterSec: Type.Integer({
      minimum: 1,
      maximum: 86_400,
      default: 30,
      description: 'A missing seq range is asked for again (resend) at most this often per kiosk.',
    }),
    timeZone: Type.String({ minLength: 1, default: DEFAULT_TIME_ZONE, description: 'The zone whose days the per-day counts use.' }),
  },
  { additionalProperties: false, default: {}, description: 'Watching the fleet.' },
);

export const CentralLogSchema = Type.Object(
  {
    level: Type.Union(
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
      { default: 'info', description: 'Log level (JSON lines on standard output). LOG_LEVEL overrides it.' },
    ),
  },
  { additionalProperties: false, default: {}, description: 'Logging.' },
);

export const CentralConfigSchema = Type.Object(
  { broker: CentralBrokerSchema, store: CentralStoreSchema, http: CentralHttpSchema, fleet: FleetSchema, log: CentralLogSchema },
  { additionalProperties: false },
);

export type CentralConfig = Static<typeof CentralConfigSchema>;
