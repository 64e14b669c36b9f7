/** The one error type of provisioning: a stable code (src/core/codes.ts) and a message that never holds a secret. */
import type { ProvisionCode } from '../core/codes.js';

export class ProvisionError extends Error {
  override readonly name = 'ProvisionError';
  constructor(
    readonly code: ProvisionCode,
    message: string,
    /** The underlying stable code, e.g. E_MQTT_AUTH behind E_PROVISION_CHECK. */
    readonly causeCode?: string,
  ) {
    super(message);
  }
}
