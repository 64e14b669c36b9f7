/**
 * Issue 16, items 5-7: the status page answers only to its own names (DNS rebinding), refuses state changes from
 * another origin, lets only trusted addresses add manual check-ins without a login, and caps the live feed per
 * address and overall, and every plain HTTP connection per address and overall (with time limits on idle and slow
 * sockets), the kiosk's own screen always served.
 */
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { hostname } from 'node:os';
import { describe, expect, it, vi } from 'vitest';
import { afterThisTest } from '../helpers/after-test.js';
import { login, startApp } from './harness.js';

const MANUAL = { number: '079203001234', name: 'Lê Văn Khách' };

describe('Host and Origin checks', () => {
  it('refuses a Host the kiosk does not answer to (421), and serves its own names', async () => {
    const h = await startApp({ config: { http: { port: 0, allowedHosts: ['kiosk-7.agency.lan'] } } });
    const get = (host: string) => h.app.http.inject({ url: '/api/status', headers: { host } });
    const evil = await get('evil.example');
    expect(evil.statusCode).toBe(421);
    expect(evil.json()).toMatchObject({ code: 'E_HTTP_HOST' });
    expect((await get('evil.example:8080')).statusCode).toBe(421);
    expect((await h.app.http.inject({ url: '/', headers: { host: 'evil.example' } })).statusCode).toBe(421);
    for (const ok of [
      'localhost:8080',
      '127.0.0.1:8080',
      '[::1]:8080',
      hostname(),
      `${hostname()}.local:8080`,
      'KIOSK-7.agency.lan',
      'kiosk-7.agency.lan.',
    ]) {
      expect([ok, (await get(ok)).statusCode]).toEqual([ok, 200]);
    }
  });

  it('refuses a state-changing request from a foreign Origin (403), accepts the page’s own', async () => {
    const h = await startApp();
    const post = (headers: Record<string, string>) =>
      h.app.http.inject({ method: 'POST', url: '/api/manual', payload: MANUAL, headers: { host: 'localhost:8080', ...headers } });
    const foreign = await post({ origin: 'http://evil.example' });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json()).toMatchObject({ code: 'E_HTTP_ORIGIN' });
    expect((await post({ origin: 'null' })).statusCode).toBe(403);
    expect((await post({ origin: 'http://localhost:9999' })).statusCode).toBe(403);
    expect((await post({ 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
    expect((await post({ origin: 'http://localhost:8080' })).statusCode).toBe(200);
    expect(h.app.store.today().in).toBe(1);
    // The login is a state change too.
    expect(
      (
        await h.app.http.inject({
          method: 'POST',
          url: '/api/tech/login',
          payload: { password: 'x' },
          headers: { origin: 'http://evil.example' },
        })
      ).statusCode,
    ).toBe(403);
  });
});

describe('manual entry from the LAN', () => {
  it('needs a login from an address that is not trusted, whatever X-Forwarded-For says', async () => {
    const h = await startApp();
    const lan = (headers: Record<string, string> = {}) =>
      h.app.http.inject({ method: 'POST', url: '/api/manual', payload: MANUAL, remoteAddress: '192.168.1.50', headers });
    const anonymous = await lan();
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toMatchObject({ code: 'E_HTTP_LOGIN_REQUIRED' });
    expect((await lan({ 'x-forwarded-for': '127.0.0.1' })).statusCode).toBe(401);
    expect(h.app.store.today().in).toBe(0);
    const cookie = await login(h);
    expect((await lan({ cookie })).statusCode).toBe(200);
    expect(h.app.store.today().in).toBe(1);
    expect(h.logLines().some((l) => l.code === 'E_HTTP_LOGIN_REQUIRED' && l.ip === '192.168.1.50')).toBe(true);
  });

  it('is open without a login to the kiosk itself (127.0.0.1, ::1, ::ffff:127.0.0.1) and to listed addresses', async () => {
    const h = await startApp({ config: { http: { port: 0, trustedClients: ['127.0.0.1', '::1', '192.168.1.20'] } } });
    for (const remoteAddress of ['127.0.0.1', '::1', '::ffff:127.0.0.1', '192.168.1.20']) {
      const res = await h.app.http.inject({
        method: 'POST',
        url: '/api/manual',
        payload: { ...MANUAL, direction: 'toggle' },
        remoteAddress,
      });
      expect([remoteAddress, res.statusCode]).toEqual([remoteAddress, 200]);
    }
  });
});

/** Opens GET /events from `localAddress` on a real socket; resolves with the response (its status) and the request. */
function openStream(base: string, localAddress: string): Promise<{ res: IncomingMessage; req: ClientRequest }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/events`, { localAddress, agent: false }, (res) => resolve({ res, req }));
    req.on('error', reject);
    req.end();
    afterThisTest(() => req.destroy());
  });
}

describe('live feed limits', () => {
  it('caps streams per address (429) and from untrusted addresses overall (503), and the kiosk’s own screen is still served', async () => {
    const h = await startApp({ config: { http: { port: 0, host: '127.0.0.1', maxEventStreams: 6, maxEventStreamsPerClient: 3 } } });
    const base = h.app.httpAddress ?? '';
    // Two "attackers" on the LAN (other loopback addresses: not trusted) take every untrusted stream.
    const held = [];
    for (const from of ['127.0.0.2', '127.0.0.3']) for (let i = 0; i < 3; i++) held.push(await openStream(base, from));
    expect(held.map((s) => s.res.statusCode)).toEqual([200, 200, 200, 200, 200, 200]);
    const fourth = await openStream(base, '127.0.0.2');
    expect(fourth.res.statusCode).toBe(429);
    expect(fourth.res.headers['retry-after']).toBe('10');
    const third = await openStream(base, '127.0.0.4');
    expect(third.res.statusCode).toBe(503);
    // The receptionist's screen on the kiosk itself: its stream and its page.
    const own = await openStream(base, '127.0.0.1');
    expect(own.res.statusCode).toBe(200);
    expect((await fetch(`${base}/`)).status).toBe(200);
    // A closed stream frees its place.
    held[0]?.req.destroy();
    await vi.waitFor(async () => expect((await openStream(base, '127.0.0.5')).res.statusCode).toBe(200));
  });
});

/** A raw TCP connection from `localAddress` that sends nothing: what an idle or slow client holds. */
function idleSocket(port: number, localAddress: string): Promise<{ socket: Socket; reply: () => string; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = connect({ host: '127.0.0.1', port, localAddress });
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.once('connect', () => resolve({ socket, reply: () => text, closed }));
    socket.once('error', reject);
    afterThisTest(() => socket.destroy());
  });
}

/** GET `path` from `localAddress` on a new connection. */
function getFrom(base: string, path: string, localAddress: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { localAddress, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('connection limits (plain HTTP, not only /events)', () => {
  const limits = { port: 0, host: '127.0.0.1', maxConnections: 16, maxConnectionsPerClient: 4, trustedClients: ['127.0.0.2'] };

  it('one address holds at most maxConnectionsPerClient sockets, all untrusted at most maxConnections, and the kiosk’s own page is still served', async () => {
    const h = await startApp({ config: { http: limits } });
    const base = h.app.httpAddress ?? '';
    const port = Number(new URL(base).port);
    // One attacker opens 14 idle sockets: 4 are kept, the 10 others get 503 E_HTTP_BUSY and are closed at once.
    const first = await Promise.all(Array.from({ length: 14 }, () => idleSocket(port, '127.0.0.3')));
    await Promise.all(first.slice(4).map((s) => s.closed));
    expect(first.slice(4).every((s) => s.reply().startsWith('HTTP/1.1 503') && s.reply().includes('E_HTTP_BUSY'))).toBe(true);
    expect(first.slice(0, 4).map((s) => s.socket.destroyed)).toEqual([false, false, false, false]);
    // Three more hosts fill the total (16), and a fifth is turned away though it holds nothing.
    for (const from of ['127.0.0.4', '127.0.0.5', '127.0.0.6']) await Promise.all(Array.from({ length: 4 }, () => idleSocket(port, from)));
    const late = await idleSocket(port, '127.0.0.7');
    await late.closed;
    expect(late.reply()).toMatch(/^HTTP\/1\.1 503/);
    // The receptionist's screen (a trusted address) is served: the page, its status, and many connections at once.
    expect(await getFrom(base, '/', '127.0.0.2')).toBe(200);
    expect(await Promise.all(Array.from({ length: 20 }, () => getFrom(base, '/api/status', '127.0.0.2')))).toEqual(Array(20).fill(200));
    // A place given back is taken again.
    first[0]?.socket.destroy();
    await vi.waitFor(async () => expect(await getFrom(base, '/api/status', '127.0.0.7')).toBe(200));
  });

  it('closes a connection that sends no request, and an idle keep-alive connection after its request, by itself', async () => {
    const h = await startApp({ config: { http: limits } });
    const port = Number(new URL(h.app.httpAddress ?? '').port);
    const silent = await idleSocket(port, '127.0.0.3');
    const kept = await idleSocket(port, '127.0.0.4');
    kept.socket.write(`GET /api/status HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: keep-alive\r\n\r\n`);
    // Headers within 10 s (checked every 2 s); an idle keep-alive socket for 5 s: both give their descriptor back.
    await Promise.all([silent.closed, kept.closed]);
    expect(kept.reply()).toMatch(/^HTTP\/1\.1 200/);
  }, 30_000);
});
