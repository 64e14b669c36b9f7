import { describe, expect, it } from 'vitest';
import { publishEncoded, publishMessage, type MqttClient } from '../../src/forwarder/connection.js';
import { encode, topicsFor, type StatusMessage } from '../../src/forwarder/contract.js';

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
});
