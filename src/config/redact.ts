/**
 * The configuration as it may be shown to an operator (the MQTT `config` request, the technician page): secrets are
 * never in the file (only paths to them), and any key that still looks secret is masked anyway.
 */
const SECRET_KEY = /password|secret|token|hash/i;

/** `passwordFile`, `passwordHashFile`: where a secret lives is not the secret, and a technician needs to see it. */
const isSecretKey = (key: string): boolean => SECRET_KEY.test(key) && !key.endsWith('File');

export function redactConfig(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactConfig);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isSecretKey(k) ? '[redacted]' : redactConfig(v)]));
}
