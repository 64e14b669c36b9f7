import { describe, expect, it } from 'vitest';
import { publishEncoded, publishMessage, type MqttClient } from '../../src/forwarder/connection.js';
import { publishRequest } from '../../src/central/broker-side.js';
import { encode, topicsFor, type StatusMessage } from '../../src/forwarder/contract.js';
import type { Logger } from '../../src/logger.js';

/** A client that only records what it was asked to publish. */
function recorder() {
  const sent: Array<{ topic: string; body: string }> = [];
  const client = { publish: (topic: string, body: string) => sent.push({ topic, body }) } as unknown as MqttClient;
  return { client, sent };
}

describe('topics typed by their payload', () => {
  const topics = topicsFor('qrgate', 'hq', 'kiosk-7');

  it('publishes a message as its JSON on the topic of its type', () => {
    const { client, sent } = recorder();
    publishMessage(client, topics.status, { state: 'offline' }, { qos: 1 });
    publishEncoded(
      client,
      topics.status,
      encode<StatusMessage>({ state: 'online', version: '1.0.0', since: '2026-11-22T09:30:00.000+07:00' }),
      { qos: 1 },
    );
    expect(sent).toEqual([
      { topic: 'qrgate/hq/kiosk-7/status', body: '{"state":"offline"}' },
      { topic: 'qrgate/hq/kiosk-7/status', body: '{"state":"online","version":"1.0.0","since":"2026-11-22T09:30:00.000+07:00"}' },
    ]);
  });

  it('does not compile a message on a topic that carries another type', () => {
    const { client } = recorder();
    // @ts-expect-error a status is not a reject
    publishMessage(client, topics.rejects, { state: 'offline' }, { qos: 1 });
    // @ts-expect-error an encoded status is not a check-in body
    publishEncoded(client, topics.checkins, encode<StatusMessage>({ state: 'offline' }), { qos: 1 });
    // @ts-expect-error a plain string is no encoded message: only checkinBody() or encode() make one
    publishEncoded(client, topics.checkins, '{}', { qos: 1 });
    expect(topics.response('ping')).toBe('qrgate/hq/kiosk-7/response/ping');
  });

  it('types each request and each answer by its op', () => {
    const { client, sent } = recorder();
    publishMessage(client, topics.request('resend'), { from: 3, to: 9, tid: 't' }, { qos: 1 });
    publishMessage(client, topics.request('ping'), {}, { qos: 1 });
    publishMessage(client, topics.response('ping'), { ok: true, op: 'ping', data: { pong: true, at: 'x', version: '1' } }, { qos: 1 });
    // @ts-expect-error a resend names its range
    publishMessage(client, topics.request('resend'), { tid: 't' }, { qos: 1 });
    // @ts-expect-error the answer to resend carries a ResendResult, not a pong
    publishMessage(client, topics.response('resend'), { ok: true, op: 'resend', data: { pong: true, at: 'x', version: '1' } }, { qos: 1 });
    expect(sent.map((m) => m.topic)).toEqual([
      'qrgate/hq/kiosk-7/request/resend',
      'qrgate/hq/kiosk-7/request/ping',
      'qrgate/hq/kiosk-7/response/ping',
      'qrgate/hq/kiosk-7/request/resend',
      'qrgate/hq/kiosk-7/response/resend',
    ]);
  });

  it("builds central's requests on the contract's topic with the op's body", () => {
    const sent: Array<{ topic: string; body: string }> = [];
    const side = { config: { baseTopic: 'qrgate' }, log: { warn: () => undefined } as unknown as Logger };
    publishRequest(side, { site: 'hq', device: 'kiosk-7' }, 'resend', { from: 1, to: 4 }, (topic, payload) =>
      sent.push({ topic, body: payload.toString('utf8') }),
    );
    // @ts-expect-error a resend without its range does not compile
    publishRequest(side, { site: 'hq', device: 'kiosk-7' }, 'resend', {}, () => undefined);
    expect(sent).toEqual([{ topic: 'qrgate/hq/kiosk-7/request/resend', body: '{"from":1,"to":4}' }]);
  });
});
