/**
 * The shapes the HTTP API and the event stream may send. Fastify serialises every JSON reply through these (and the
 * event stream cleans its data with them), so a field that is not listed here — a raw payload, a full number, an
 * address — cannot leave the kiosk by accident, whatever object a handler is given. docs/http.md describes them.
 */
import { Type, type Static } from 'typebox';

/** A stable code with both texts, so the page can switch language without asking again. */
export const CodeTextSchema = Type.Object({ code: Type.String(), vi: Type.String(), en: Type.String() });
export type CodeTextView = Static<typeof CodeTextSchema>;

/** The last scan as the screen shows it: masked, with the reason of a refusal in both languages. */
export const ScanViewSchema = Type.Object({
  kind: Type.Union([Type.Literal('accepted'), Type.Literal('rejected')]),
  at: Type.String({ description: 'RFC 3339 scan time' }),
  scanner: Type.String(),
  seq: Type.Optional(Type.Integer()),
  direction: Type.Optional(Type.Union([Type.Literal('in'), Type.Literal('out')])),
  type: Type.Optional(Type.String()),
  manual: Type.Optional(Type.Boolean()),
  auto: Type.Optional(Type.Boolean()),
  name: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  number: Type.Optional(Type.String()),
  warnings: Type.Optional(Type.Array(CodeTextSchema)),
  reason: Type.Optional(CodeTextSchema),
});
export type ScanView = Static<typeof ScanViewSchema>;

export const InsideViewSchema = Type.Object({
  name: Type.Union([Type.String(), Type.Null()]),
  number: Type.String(),
  type: Type.String(),
  since: Type.String(),
  date: Type.String({ description: 'the kiosk’s civil date of the arrival (YYYY-MM-DD), to compare with today.date' }),
});
export type InsideView = Static<typeof InsideViewSchema>;

export const ScannerViewSchema = Type.Object({
  id: Type.String(),
  state: Type.Union([Type.Literal('connected'), Type.Literal('disconnected'), Type.Literal('error'), Type.Literal('stopped')]),
  text: CodeTextSchema,
});

export const MqttViewSchema = Type.Object({
  state: Type.Union([Type.Literal('disabled'), Type.Literal('connecting'), Type.Literal('connected'), Type.Literal('disconnected')]),
  since: Type.String(),
  reconnects: Type.Integer(),
  text: CodeTextSchema,
  lastError: Type.Union([CodeTextSchema, Type.Null()]),
});

export const CountsSchema = Type.Object({
  in: Type.Integer(),
  out: Type.Integer(),
  insideNow: Type.Integer(),
  rejected: Type.Integer(),
  date: Type.Optional(Type.String({ description: 'the kiosk’s civil date today (YYYY-MM-DD), in its zone, not the browser’s' })),
});

export const StatusSchema = Type.Object({
  device: Type.Object({ id: Type.String(), site: Type.String() }),
  version: Type.String(),
  now: Type.String(),
  uptimeSec: Type.Integer(),
  clockSynced: Type.Boolean(),
  today: CountsSchema,
  inside: Type.Array(InsideViewSchema),
  scanners: Type.Array(ScannerViewSchema),
  mqtt: MqttViewSchema,
  queue: Type.Object({ pending: Type.Integer(), oldestPendingAgeSec: Type.Union([Type.Integer(), Type.Null()]) }),
  lastScan: Type.Union([ScanViewSchema, Type.Null()]),
  /** Why the store would refuse the next scan (E_STORE_FULL, E_STORE_WRITE; the store's own state), or null. */
  refusing: Type.Optional(Type.Union([CodeTextSchema, Type.Null()])),
});
export type StatusView = Static<typeof StatusSchema>;

const CheckSchema = Type.Object({ ok: Type.Boolean(), detail: Type.String() });
export const HealthSchema = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('fail')]),
  failing: Type.Array(Type.String()),
  checks: Type.Object({ store: CheckSchema, scanners: CheckSchema, mqtt: CheckSchema }),
});
export type HealthView = Static<typeof HealthSchema>;
