/**
 * The configuration as it may be shown to an operator (the MQTT `config` request, the technician page): secrets are
 * never in the file (only paths to them), and any key that still looks secret is masked anyway.
 */
const SECRET_KEY = /(password|secret|token|hash)(?!File$)/i;

export function redactConfig(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactConfig);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[redacted]' : redactConfig(v)]));
}
