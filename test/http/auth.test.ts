import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashPassword, parseHash, PasswordHashError, verifyPassword } from '../../src/http/auth/password.js';
import { runCli } from '../helpers/cli.js';
import { login, PASSWORD, startApp } from './harness.js';

describe('password hashes', () => {
  it('writes scrypt$N$r$p$salt$hash and verifies only the right password', async () => {
    const line = await hashPassword('hunter2hunter2', { N: 1024, r: 8, p: 1 });
    expect(line).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$/);
    const parsed = parseHash(line);
    expect(await verifyPassword('hunter2hunter2', parsed)).toBe(true);
    expect(await verifyPassword('hunter2hunter3', parsed)).toBe(false);
    expect(() => parseHash('$2b$10$bcrypt')).toThrow(PasswordHashError);
    expect(() => parseHash('scrypt$1000$8$1$AAAA$AAAAAAAAAAAAAAAAAAAAAAAA')).toThrow(/cost/);
  });

  it('qrgate hash-password reads standard input and prints one verifiable line', async () => {
    const run = await runCli(['hash-password'], 'a long enough password\n');
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('a long enough password');
    expect(await verifyPassword('a long enough password', parseHash(run.stdout))).toBe(true);
    const short = await runCli(['hash-password'], 'short\n');
    expect(short.code).toBe(2);
  });
});

describe('technician login', () => {
  it('sets an HttpOnly, SameSite=Strict session cookie and logs the login without the password', async () => {
    const h = await startApp();
    const res = await h.app.http.inject({ method: 'POST', url: '/api/tech/login', payload: { password: PASSWORD } });
    expect(res.statusCode).toBe(204);
    const cookie = res.cookies.find((c) => c.name === 'qrgate_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/', maxAge: 3600 });
    expect(cookie?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(h.logLines().filter((l) => l.event === 'login')).toHaveLength(1);
    expect(h.logText()).not.toContain(PASSWORD);
    expect(h.logText()).not.toContain(cookie?.value ?? '(none)');
    const session = await h.app.http.inject({ url: '/api/tech/session', headers: { cookie: `qrgate_session=${cookie?.value ?? ''}` } });
    expect(session.json()).toMatchObject({ authenticated: true, passwordSet: true });
  });

  it('refuses a wrong password with E_HTTP_LOGIN_FAILED and keeps the technician routes closed', async () => {
    const h = await startApp();
    const res = await h.app.http.inject({ method: 'POST', url: '/api/tech/login', payload: { password: 'wrong' } });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'E_HTTP_LOGIN_FAILED' });
    expect(res.cookies).toEqual([]);
    for (const url of ['/api/tech/summary', '/api/tech/export.csv?day=2026-11-22']) {
      const closed = await h.app.http.inject(url);
      expect(closed.statusCode).toBe(401);
      expect(closed.json()).toMatchObject({ code: 'E_HTTP_UNAUTHORIZED' });
    }
    const forged = await h.app.http.inject({ url: '/api/tech/summary', headers: { cookie: 'qrgate_session=forged' } });
    expect(forged.statusCode).toBe(401);
    expect(h.logText()).not.toContain('"wrong"');
  });

  it('limits login attempts per address (429 E_HTTP_RATE_LIMITED), even for the right password', async () => {
    const h = await startApp();
    const codes: number[] = [];
    for (let i = 0; i < 6; i += 1)
      codes.push((await h.app.http.inject({ method: 'POST', url: '/api/tech/login', payload: { password: `guess-${i}` } })).statusCode);
    expect(codes).toEqual([401, 401, 401, 401, 401, 429]);
    const right = await h.app.http.inject({ method: 'POST', url: '/api/tech/login', payload: { password: PASSWORD } });
    expect(right.statusCode).toBe(429);
    expect(right.json()).toMatchObject({ code: 'E_HTTP_RATE_LIMITED' });
  });

  it('logs out: the cookie is cleared and the session no longer opens anything', async () => {
    const h = await startApp();
    const cookie = await login(h);
    expect((await h.app.http.inject({ url: '/api/tech/summary', headers: { cookie } })).statusCode).toBe(200);
    const out = await h.app.http.inject({ method: 'POST', url: '/api/tech/logout', headers: { cookie } });
    expect(out.statusCode).toBe(204);
    expect(out.cookies.find((c) => c.name === 'qrgate_session')?.value).toBe('');
    expect((await h.app.http.inject({ url: '/api/tech/summary', headers: { cookie } })).statusCode).toBe(401);
  });

  it('says E_HTTP_NO_PASSWORD when no hash file is configured or it is not a hash', async () => {
    const h = await startApp({ password: false });
    const res = await h.app.http.inject({ method: 'POST', url: '/api/tech/login', payload: { password: PASSWORD } });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'E_HTTP_NO_PASSWORD' });
    writeFileSync(join(h.dir, 'tech.hash'), 'plain-text-password\n');
    expect((await h.app.http.inject({ method: 'POST', url: '/api/tech/login', payload: { password: PASSWORD } })).statusCode).toBe(503);
    expect(h.logText()).not.toContain('plain-text-password');
  });
});
