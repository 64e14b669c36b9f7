/**
 * The daemon's configuration: one TypeBox schema gives the TypeScript type, the validation, the defaults and the
 * reference documentation (docs/config.md is generated from the descriptions). The key names are a public contract
 * that technicians' files and provisioning tools rely on.
 */
import { Type, type Static } from 'typebox';
import { ScannerEntrySchema } from '../../drivers/config.js';
import { DEFAULT_TIME_ZONE } from '../core/zone.js';

const NAME = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$';

export const DeviceSchema = Type.Object(
  {
    id: Type.String({
      pattern: NAME,
      description: 'This kiosk’s id, unique in the agency (letters, digits, "_", "-", "."); part of every MQTT topic and the client id.',
    }),
    site: Type.String({ pattern: NAME, description: 'The site (office, building) the kiosk stands at; part of every MQTT topic.' }),
  },
  { additionalProperties: false, description: 'Who this kiosk is.' },
);

export const StoreSchema = Type.Object(
  {
    path: Type.String({
      minLength: 1,
      default: '/var/lib/qrgate/qrgate.db',
      description: 'SQLite database file. Its folder must be writable by the service (systemd StateDirectory).',
    }),
    keyFile: Type.String({
      minLength: 1,
      default: '/var/lib/qrgate/store.key',
      description:
        'Per-device key that seals personal data at rest (AES-256-GCM). Created with mode 0600 on first run; without it the stored names and numbers cannot be read. Back it up with the database or not at all.',
    }),
    retentionDays: Type.Integer({
      minimum: 1,
      maximum: 3650,
      default: 21,
      description:
        'Days a check-in is kept, counted from its scan; one not yet delivered to the central broker is kept until it is. A database moved aside as corrupt is deleted this many days after the move.',
    }),
    maxSizeMB: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1_000_000,
        description:
          'Largest size the database may grow to, in MiB, so that it can never fill the SD card the system needs. Reaching it refuses new scans with E_STORE_FULL. Default: no limit but the disk.',
      }),
    ),
    maxPending: Type.Integer({
      minimum: 100,
      maximum: 10_000_000,
      default: 1_000_000,
      description:
        'Most undelivered check-ins kept. Above it new scans are refused with E_STORE_FULL (shown to the visitor) and an alarm is raised, never dropped silently.',
    }),
  },
  { additionalProperties: false, default: {}, description: 'The durable check-in store on the device.' },
);

export const PipelineSchema = Type.Object(
  {
    dedupeMs: Type.Integer({
      minimum: 0,
      maximum: 600_000,
      default: 3000,
      description: 'The same payload from the same scanner within this many milliseconds is one scan (a card held in front of the reader).',
    }),
    reassemblyMs: Type.Integer({
      minimum: 0,
      maximum: 2000,
      default: 150,
      description:
        'A scan cut short by a spurious Enter is joined with the next frame from the same scanner when it arrives within this many milliseconds.',
    }),
  },
  { additionalProperties: false, default: {}, description: 'How frames become check-ins.' },
);

export const CheckoutSchema = Type.Object(
  {
    at: Type.String({
      pattern: '^(([01][0-9]|2[0-3]):[0-5][0-9]|never)$',
      default: '23:59',
      description:
        'Local time ("HH:MM") at which everyone still inside is checked out automatically (events marked auto), so nobody stays on the inside list across days; a kiosk that was off at that time checks out, at its next start, whoever came in before it. "never" turns it off: then whoever does not scan out stays inside until their "in" is older than store.retentionDays, when they leave the list (qrgate doctor warns about it).',
    }),
  },
  { additionalProperties: false, default: {}, description: 'Closing the day.' },
);

export const ClockSchema = Type.Object(
  {
    synced: Type.Union([Type.Literal('auto'), Type.Boolean()], {
      default: 'auto',
      description:
        'Whether the system clock is trusted. "auto" reads systemd-timesyncd’s marker (/run/systemd/timesync/synchronized); true/false override it (for a kiosk with an RTC or another time daemon). Each check-in carries clockSynced.',
    }),
    markerFile: Type.String({
      minLength: 1,
      default: '/run/systemd/timesync/synchronized',
      description: 'The file whose existence means the clock was synchronised.',
    }),
    timeZone: Type.String({
      minLength: 1,
      default: DEFAULT_TIME_ZONE,
      description: `The kiosk's civil time zone (an IANA name). Every day boundary uses it — today's counts, checkout.at, the day's CSV export, card validity — and so does every local timestamp the daemon writes (scannedAt, the status page's clock). The machine's own TZ is never used (a fresh Pi image is often UTC). Default: ${DEFAULT_TIME_ZONE} (UTC+7, no daylight saving).`,
    }),
  },
  {
    additionalProperties: false,
    default: {},
    description: 'Raspberry Pis have no real-time clock: until NTP syncs, the time can be far off.',
  },
);

export const HttpSchema = Type.Object(
  {
    host: Type.String({
      minLength: 1,
      default: '127.0.0.1',
      description:
        'Address the status page binds to. 127.0.0.1 serves only the kiosk’s own screen; set the LAN address (or 0.0.0.0) to let the reception desk open it. From the LAN, manual entry needs a technician login unless the desk is in http.trustedClients.',
    }),
    port: Type.Integer({
      minimum: 0,
      maximum: 65_535,
      default: 8080,
      description: 'TCP port of the status page and local API (0: the system picks a free port).',
    }),
    passwordHashFile: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'File holding the technician password hash (one line scrypt$N$r$p$salt$hash, made by "qrgate hash-password"; mode 0600). It is read at each login, so a new password needs no restart. Default: none (the technician pages are locked).',
      }),
    ),
    sessionTtlMin: Type.Integer({
      minimum: 1,
      maximum: 1440,
      default: 60,
      description: 'Minutes a technician login lasts before asking for the password again.',
    }),
    allowedHosts: Type.Array(Type.String({ pattern: '^[A-Za-z0-9._:\\[\\]-]{1,253}$' }), {
      default: [],
      description:
        'Host names (without port) the status page answers to besides its own: the kiosk’s addresses, its hostname (and hostname.local) and localhost are always allowed. A request for any other name gets 421 (E_HTTP_HOST), which stops DNS-rebinding pages from reading the API. Add the name a reverse proxy or the desk uses, e.g. [kiosk-7.agency.lan].',
    }),
    trustedClients: Type.Array(Type.String({ minLength: 2, maxLength: 45 }), {
      default: ['127.0.0.1', '::1'],
      description:
        'Client addresses that may add a manual check-in without a login: by default only the kiosk itself, where the receptionist’s screen runs. From any other address manual entry needs a technician login (401 E_HTTP_LOGIN_REQUIRED). X-Forwarded-For is never trusted.',
    }),
    maxEventStreams: Type.Integer({
      minimum: 1,
      maximum: 1000,
      default: 64,
      description:
        'Most open live-feed streams (GET /events) from clients that are not in http.trustedClients; beyond it 503 (E_HTTP_BUSY). The trusted clients (the kiosk’s own screen) are not counted against it, so they are always served.',
    }),
    maxEventStreamsPerClient: Type.Integer({
      minimum: 1,
      maximum: 100,
      default: 4,
      description: 'Most open live-feed streams from one client address; beyond it 429 (E_HTTP_TOO_MANY_STREAMS).',
    }),
    maxConnections: Type.Integer({
      minimum: 16,
      maximum: 700,
      default: 256,
      description:
        'Most open HTTP connections (idle keep-alive ones too) from clients that are not in http.trustedClients, together; beyond it a new connection gets 503 (E_HTTP_BUSY) and is closed. Each is a file descriptor of the unit’s 1024 (LimitNOFILE), which the store, the scanners and MQTT also need; the trusted clients are not counted, so the kiosk’s own screen is always served.',
    }),
    maxConnectionsPerClient: Type.Integer({
      minimum: 4,
      maximum: 700,
      default: 32,
      description:
        'Most open HTTP connections from one client address that is not in http.trustedClients, so that one host on the LAN cannot take all of http.maxConnections; beyond it 503 (E_HTTP_BUSY) and closed. A browser opens about six at once, plus its live-feed streams.',
    }),
  },
  { additionalProperties: false, default: {}, description: 'The local status page and API.' },
);

export const MqttSchema = Type.Object(
  {
    url: Type.Optional(
      Type.String({
        pattern: '^(mqtts?|wss?|tcp|ssl)://',
        description: 'The central broker, e.g. mqtts://broker.agency.gov.vn:8883. Default: none (record locally only).',
      }),
    ),
    baseTopic: Type.String({
      pattern: '^[^#+/][^#+]*$',
      default: 'qrgate',
      description: 'First level of every topic: {baseTopic}/{device.site}/{device.id}/…',
    }),
    username: Type.Optional(Type.String({ minLength: 1, description: 'Broker user name. Default: none.' })),
    passwordFile: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'File holding the broker password (never put the password itself in this file). Default: none.',
      }),
    ),
    ca: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'PEM file of the CA that signed the broker’s certificate (pinning it). Default: the system CAs.',
      }),
    ),
    cert: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'PEM client certificate, for brokers that authenticate devices by certificate. Default: none.',
      }),
    ),
    key: Type.Optional(Type.String({ minLength: 1, description: 'PEM private key of the client certificate. Default: none.' })),
    keepaliveSec: Type.Integer({
      minimum: 5,
      maximum: 3600,
      default: 30,
      description: 'MQTT keep-alive: a connection that stops answering (a half-open link) is detected within about 1.5 times this.',
    }),
    maxInflight: Type.Integer({
      minimum: 1,
      maximum: 65_535,
      default: 100,
      description: 'Most check-ins published and not yet acknowledged at once.',
    }),
    drainRatePerSec: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        description:
          'Cap on how fast a backlog is sent after an outage, in messages per second, so many kiosks coming back together do not flood the broker. New check-ins are never held back by it. Default: no cap.',
      }),
    ),
    allowPlaintext: Type.Boolean({
      default: false,
      description:
        'UNSAFE. Allow plain MQTT (mqtt://, tcp://, ws://) to a broker that is not on this machine. Without TLS anyone on the network path reads every check-in (with documentFields full: names, numbers, birth dates, addresses) and the broker password. Refused unless true; qrgate doctor and provision warn whenever it is allowed.',
    }),
    documentFields: Type.Union([Type.Literal('full'), Type.Literal('minimal')], {
      default: 'full',
      description: '"full" forwards the whole decoded document; "minimal" only type, number and name.',
    }),
    backlogThread: Type.Boolean({
      default: true,
      description:
        'Read a backlog of 5,000 or more check-ins on a second thread while draining it: about 1.3-1.5 times faster on a 2-core board, and about 15 MB more memory until the backlog is sent. false: read every backlog on the main thread.',
    }),
  },
  { additionalProperties: false, default: {}, description: 'Forwarding to the agency’s central broker.' },
);

export const LogSchema = Type.Object(
  {
    level: Type.Union(
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
      {
        default: 'info',
        description: 'Log level (JSON lines on standard output, for journald). LOG_LEVEL in the environment overrides it.',
      },
    ),
  },
  { additionalProperties: false, default: {}, description: 'Logging.' },
);

export const ConfigSchema = Type.Object(
  {
    device: DeviceSchema,
    store: StoreSchema,
    scanners: Type.Array(ScannerEntrySchema, { default: [], description: 'The scanners attached to this kiosk.' }),
    pipeline: PipelineSchema,
    checkout: CheckoutSchema,
    clock: ClockSchema,
    http: HttpSchema,
    mqtt: MqttSchema,
    log: LogSchema,
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;
