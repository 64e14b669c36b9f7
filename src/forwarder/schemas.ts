/**
 * JSON Schemas of the MQTT contract (v1), the single source for docs/schemas/*.json (`npm run docs:schemas`).
 * Tests validate real messages against them, so the documentation cannot drift from what a kiosk sends.
 */
import { Type, type TSchema } from 'typebox';

const nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const isoDate = Type.String({ pattern: '^\\d{4}(-\\d{2}-\\d{2})?$', description: 'YYYY-MM-DD, or YYYY when only the year is known' });
const rfc3339 = Type.String({ format: 'date-time', description: 'RFC 3339 with the kiosk’s UTC offset' });
const common = {
  number: Type.String({ minLength: 1 }),
  name: nullable(Type.String()),
  birthDate: nullable(isoDate),
  sex: nullable(Type.Union([Type.Literal('M'), Type.Literal('F')])),
};

export const DocumentSchema = Type.Union(
  [
    Type.Object({
      type: Type.Literal('cccd'),
      ...common,
      oldNumber: nullable(Type.String()),
      address: nullable(Type.String()),
      issuedOn: nullable(isoDate),
      extra: Type.Array(Type.String()),
    }),
    Type.Object({
      type: Type.Literal('bhyt'),
      ...common,
      socialInsuranceNumber: Type.String(),
      objectCode: nullable(Type.String()),
      benefitLevel: nullable(Type.Integer({ minimum: 1, maximum: 7 })),
      provinceCode: nullable(Type.String()),
      address: nullable(Type.String()),
      facilityCode: nullable(Type.String()),
      validFrom: nullable(isoDate),
      validTo: nullable(isoDate),
      issuedOn: nullable(isoDate),
      parentName: nullable(Type.String()),
      livingArea: nullable(Type.Union([Type.Literal('K1'), Type.Literal('K2'), Type.Literal('K3')])),
      issuePlace: nullable(Type.String()),
      undecoded: Type.Object({
        name: Type.Optional(Type.String()),
        address: Type.Optional(Type.String()),
        parentName: Type.Optional(Type.String()),
        issuePlace: Type.Optional(Type.String()),
      }),
    }),
    Type.Object({
      type: Type.Literal('pccovid'),
      ...common,
      numberMasked: Type.Boolean(),
      declaredOnBehalf: Type.Boolean(),
      qid: nullable(Type.String()),
    }),
    Type.Object({ type: Type.Literal('id-number'), ...common, manual: Type.Optional(Type.Boolean()) }),
  ],
  { description: 'The decoder’s document (docs/formats.md)' },
);

export const MinimalDocumentSchema = Type.Object({
  type: Type.Union([Type.Literal('cccd'), Type.Literal('bhyt'), Type.Literal('pccovid'), Type.Literal('id-number')]),
  number: Type.String(),
  name: nullable(Type.String()),
});

const origin = {
  id: Type.String({ format: 'uuid', description: 'UUIDv7; the idempotency key: de-duplicate on it' }),
  site: Type.String(),
  device: Type.String(),
  scanner: Type.String({ description: 'The scanner id from the kiosk config, or "manual"' }),
  scannedAt: rfc3339,
};

export const CheckinMessageSchema = Type.Object(
  {
    v: Type.Literal(1),
    ...origin,
    seq: Type.Integer({ minimum: 1, description: 'Per device, +1 for each check-in, no gaps, across restarts' }),
    direction: Type.Union([Type.Literal('in'), Type.Literal('out')]),
    auto: Type.Boolean({ description: 'Made by the automatic end-of-day checkout' }),
    clockSynced: Type.Boolean({ description: 'Whether the kiosk clock was NTP-synchronised' }),
    document: Type.Union([DocumentSchema, MinimalDocumentSchema], {
      description: 'Full, or type/number/name with mqtt.documentFields: minimal',
    }),
    warnings: Type.Array(Type.String({ pattern: '^W_[A-Z0-9_]+$' })),
  },
  { $id: 'https://qrgate.local/schemas/v1/checkin.json', title: 'qrgate check-in (B/checkins)', additionalProperties: false },
);

export const RejectMessageSchema = Type.Object(
  { v: Type.Literal(1), ...origin, code: Type.String({ pattern: '^E_[A-Z0-9_]+$' }) },
  { $id: 'https://qrgate.local/schemas/v1/reject.json', title: 'qrgate rejected scan (B/rejects)', additionalProperties: false },
);

export const StatusMessageSchema = Type.Union(
  [
    Type.Object({ state: Type.Literal('online'), version: Type.String(), since: rfc3339 }, { additionalProperties: false }),
    Type.Object({ state: Type.Literal('offline') }, { additionalProperties: false }),
  ],
  { $id: 'https://qrgate.local/schemas/v1/status.json', title: 'qrgate status (B/status, retained, last will)' },
);

export const HealthMessageSchema = Type.Object(
  {
    v: Type.Literal(1),
    at: rfc3339,
    uptimeSec: Type.Integer({ minimum: 0 }),
    scanners: Type.Array(
      Type.Object({
        id: Type.String(),
        state: Type.Union([Type.Literal('connected'), Type.Literal('disconnected'), Type.Literal('error'), Type.Literal('stopped')]),
        code: Type.Optional(Type.String()),
      }),
    ),
    pending: Type.Integer({ minimum: 0 }),
    oldestPendingAgeSec: nullable(Type.Integer({ minimum: 0 })),
    storeBytes: Type.Integer({ minimum: 0 }),
    lastSeq: Type.Optional(
      Type.Integer({
        minimum: 0,
        description:
          'The highest seq this kiosk has committed (0 before the first check-in), so that central sees a missing tail. Added in v1 (qrgate 0.2.0); absent from older kiosks.',
      }),
    ),
    mqtt: Type.Object({ reconnects: Type.Integer({ minimum: 0 }), protocolVersion: Type.Union([Type.Literal(4), Type.Literal(5)]) }),
  },
  { $id: 'https://qrgate.local/schemas/v1/health.json', title: 'qrgate health (B/health, retained, every minute)' },
);

export const ResponseMessageSchema = Type.Union(
  [
    Type.Object({ ok: Type.Literal(true), op: Type.String(), tid: Type.Optional(Type.String()), data: Type.Unknown() }),
    Type.Object({
      ok: Type.Literal(false),
      op: Type.String(),
      tid: Type.Optional(Type.String()),
      error: Type.Object({ code: Type.String(), message: Type.String() }),
    }),
  ],
  { $id: 'https://qrgate.local/schemas/v1/response.json', title: 'qrgate response (B/response/{op})' },
);

/** `B/request/resend` body: republish the stored check-ins with `from <= seq <= to` (at most RESEND_MAX_RANGE). */
export const RESEND_MAX_RANGE = 5000;
export const ResendRequestSchema = Type.Object(
  {
    from: Type.Integer({ minimum: 1 }),
    to: Type.Integer({ minimum: 1 }),
    tid: Type.Optional(Type.String({ maxLength: 128 })),
  },
  {
    $id: 'https://qrgate.local/schemas/v1/resend-request.json',
    title: 'qrgate resend request (B/request/resend)',
    description: `to - from < ${RESEND_MAX_RANGE}`,
  },
);

/** The `data` of the answer to `resend`: what was republished on B/checkins, and what the kiosk no longer has. */
export const ResendResultSchema = Type.Object(
  {
    from: Type.Integer({ minimum: 1 }),
    to: Type.Integer({ minimum: 1 }),
    sent: Type.Integer({ minimum: 0, description: 'Check-ins republished (same id, seq and body)' }),
    missing: Type.Array(Type.Tuple([Type.Integer(), Type.Integer()]), {
      description: 'Seq ranges [from, to] the kiosk no longer has (retention, a database moved aside)',
    }),
    unreadable: Type.Array(Type.Integer(), { description: 'Seqs whose sealed document no longer opens (E_STORE_UNREADABLE)' }),
  },
  {
    $id: 'https://qrgate.local/schemas/v1/resend-result.json',
    title: 'qrgate resend result (data of B/response/resend)',
    additionalProperties: false,
  },
);

export const CONTRACT_SCHEMAS = {
  checkin: CheckinMessageSchema,
  reject: RejectMessageSchema,
  status: StatusMessageSchema,
  health: HealthMessageSchema,
  response: ResponseMessageSchema,
  'resend-request': ResendRequestSchema,
  'resend-result': ResendResultSchema,
} as const;
