/** A throwaway PKI made with openssl at test time: a CA, a broker certificate for 127.0.0.1, a client certificate. */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function keyAndCsr(dir: string, name: string, cn: string): void {
  openssl(
    [
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      `/CN=${cn}`,
    ],
    dir,
  );
}

function selfSignedCa(dir: string, name: string): void {
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.crt`,
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
    ],
    dir,
  );
}

function sign(dir: string, name: string, ca: string, ext: string): void {
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${ca}.crt`,
      '-CAkey',
      `${ca}.key`,
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
    ],
    dir,
  );
}

export interface TestPki {
  readonly ca: string;
  readonly otherCa: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
  /** A second client certificate, signed by the same CA, issued to `otherClientCn`. */
  readonly otherClientCert: string;
  readonly otherClientKey: string;
}

export interface PkiNames {
  /** The client certificate's subject CN (default `kiosk-7`; central wants `SITE/DEVICE`). */
  readonly clientCn?: string;
  readonly otherClientCn?: string;
}

// In -subj, a "/" inside a value is escaped.
const subjectValue = (cn: string): string => cn.replace(/\//g, '\\/');

export function makePki(dir: string, names: PkiNames = {}): TestPki {
  selfSignedCa(dir, 'test-ca');
  selfSignedCa(dir, 'other-ca');
  keyAndCsr(dir, 'server', '127.0.0.1');
  sign(dir, 'server', 'test-ca', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  keyAndCsr(dir, 'client', subjectValue(names.clientCn ?? 'kiosk-7'));
  sign(dir, 'client', 'test-ca', 'extendedKeyUsage=clientAuth\n');
  keyAndCsr(dir, 'other-client', subjectValue(names.otherClientCn ?? 'kiosk-8'));
  sign(dir, 'other-client', 'test-ca', 'extendedKeyUsage=clientAuth\n');
  const p = (f: string): string => join(dir, f);
  return {
    ca: p('test-ca.crt'),
    otherCa: p('other-ca.crt'),
    serverCert: p('server.crt'),
    serverKey: p('server.key'),
    clientCert: p('client.crt'),
    clientKey: p('client.key'),
    otherClientCert: p('other-client.crt'),
    otherClientKey: p('other-client.key'),
  };
}
