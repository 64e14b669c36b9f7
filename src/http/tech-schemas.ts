/** Response shapes of the technician API. The decode tester lists every document field the decoders can produce. */
import { Type, type Static } from 'typebox';
import { ConfigSchema } from '../config/schema.js';
import { CodeTextSchema } from './schemas.js';

const Text = Type.Union([Type.String(), Type.Null()]);

export const DocumentSchema = Type.Object({
  type: Type.String(),
  number: Type.String(),
  name: Text,
  birthDate: Text,
  sex: Text,
  oldNumber: Type.Optional(Text),
  address: Type.Optional(Text),
  issuedOn: Type.Optional(Text),
  extra: Type.Optional(Type.Array(Type.String())),
  socialInsuranceNumber: Type.Optional(Type.String()),
  objectCode: Type.Optional(Text),
  benefitLevel: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
  provinceCode: Type.Optional(Text),
  facilityCode: Type.Optional(Text),
  validFrom: Type.Optional(Text),
  validTo: Type.Optional(Text),
  parentName: Type.Optional(Text),
  livingArea: Type.Optional(Text),
  issuePlace: Type.Optional(Text),
  undecoded: Type.Optional(
    Type.Object({
      name: Type.Optional(Type.String()),
      address: Type.Optional(Type.String()),
      parentName: Type.Optional(Type.String()),
      issuePlace: Type.Optional(Type.String()),
    }),
  ),
  numberMasked: Type.Optional(Type.Boolean()),
  declaredOnBehalf: Type.Optional(Type.Boolean()),
  qid: Type.Optional(Text),
});

export type DocumentView = Static<typeof DocumentSchema>;

export const DecodeReply = Type.Object({
  ok: Type.Boolean(),
  format: Type.Optional(Type.String()),
  error: Type.Optional(CodeTextSchema),
  document: Type.Optional(DocumentSchema),
  warnings: Type.Array(Type.Intersect([CodeTextSchema, Type.Object({ field: Type.Optional(Type.String()) })])),
});

const Detailed = Type.Intersect([CodeTextSchema, Type.Object({ detail: Type.String() })]);

export const SummaryReply = Type.Object({
  device: Type.Object({ id: Type.String(), site: Type.String() }),
  versions: Type.Object({ qrgate: Type.String(), node: Type.String(), fastify: Type.String(), os: Type.String() }),
  startedAt: Type.String(),
  uptimeSec: Type.Integer(),
  disk: Type.Union([Type.Object({ path: Type.String(), freeBytes: Type.Number(), totalBytes: Type.Number() }), Type.Null()]),
  store: Type.Object({
    path: Type.String(),
    bytes: Type.Number(),
    pending: Type.Integer(),
    oldestPendingAgeSec: Type.Union([Type.Integer(), Type.Null()]),
    lastSeq: Type.Integer(),
    alarms: Type.Array(Detailed),
    /** Why the store would refuse the next scan (what the main panel shows as "not recording"), or null. */
    refusing: Type.Union([Detailed, Type.Null()]),
  }),
  clock: Type.Object({ synced: Type.Boolean(), mode: Type.String(), now: Type.String() }),
  mqtt: Type.Object({
    state: Type.String(),
    since: Type.String(),
    reconnects: Type.Integer(),
    protocolVersion: Type.Integer(),
    inFlight: Type.Integer(),
    lastAckAt: Type.Union([Type.String(), Type.Null()]),
    lastError: Type.Union([Detailed, Type.Null()]),
  }),
  scanners: Type.Array(Type.Object({ id: Type.String(), state: Type.String(), text: CodeTextSchema, detail: Type.String() })),
  rejects: Type.Object({
    since: Type.String(),
    byCode: Type.Array(Type.Intersect([CodeTextSchema, Type.Object({ count: Type.Integer() })])),
  }),
  /** Checked against the configuration schema itself: nothing but configuration keys can appear. */
  config: ConfigSchema,
});
