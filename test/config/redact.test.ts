import { describe, expect, it } from 'vitest';
import { redactConfig } from '../../src/config/redact.js';

describe('redactConfig', () => {
  it('masks anything that looks secret, at any depth, but keeps the paths of secret files', () => {
    expect(
      redactConfig({
        mqtt: { url: 'mqtts://b', password: 'p', passwordFile: '/etc/qrgate/pw', token: 't' },
        http: { passwordHashFile: '/etc/qrgate/tech.hash', sessionSecret: 's' },
        scanners: [{ id: 'a', secret: 'x' }],
      }),
    ).toEqual({
      mqtt: { url: 'mqtts://b', password: '[redacted]', passwordFile: '/etc/qrgate/pw', token: '[redacted]' },
      http: { passwordHashFile: '/etc/qrgate/tech.hash', sessionSecret: '[redacted]' },
      scanners: [{ id: 'a', secret: '[redacted]' }],
    });
  });
});
