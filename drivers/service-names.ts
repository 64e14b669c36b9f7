/** Names the installer and the udev rules give, which the drivers' permission hints repeat. */
export const UDEV_RULES_FILE = '/etc/udev/rules.d/99-qrgate.rules';
export const SERVICE_GROUP = 'qrgate';
