/**
 * `qrgate central run [--config FILE] [--check]`, `qrgate central kiosk add SITE DEVICE`,
 * `qrgate central user add NAME --role viewer|tracer|admin` (password from standard input when it is not a terminal).
 */
import { Command, Option } from 'commander';
import { CentralApp, openCentralStore } from '../central/app.js';
import type { CentralConfig } from '../central/config-schema.js';
import { loadCentralConfig } from '../central/config-load.js';
import { hashKioskPassword, newKioskPassword } from '../central/kiosk-credentials.js';
import { ROLES, type Role } from '../central/store-types.js';
import { ConfigError } from '../config/load.js';
import { systemClock } from '../core/clock.js';
import { MqttSetupError } from '../forwarder/connection.js';
import { hashPassword } from '../http/auth/password.js';
import { createLogger } from '../logger.js';
import { StoreError } from '../store/errors.js';
import { createNotifier } from '../systemd/notify.js';
import { readPassword } from './read-password.js';
import { EXIT_CONFIG } from './run-command.js';
import { UsageError } from './usage-error.js';

export const DEFAULT_CENTRAL_CONFIG = '/etc/qrgate/central.yaml';
/**
 * Another process took this consumer's broker session (same broker.clientId): systemd must not restart it into a
 * fight for the session (RestartPreventExitStatus in systemd/qrgate-central*.service).
 */
export const EXIT_CLIENTID_TAKEN = 79;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

function configFrom(file: string | undefined): CentralConfig | number {
  const path = file ?? process.env.QRGATE_CENTRAL_CONFIG ?? DEFAULT_CENTRAL_CONFIG;
  try {
    return loadCentralConfig(path);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`qrgate central: ${err.message}\n`);
    return EXIT_CONFIG;
  }
}

async function storeOrExit<T>(fn: () => Promise<T>): Promise<T | number> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof StoreError)) throw err;
    process.stderr.write(`qrgate central: ${err.code}: ${err.message}\n`);
    return err.code === 'E_STORE_KEY' || err.code === 'E_STORE_VERSION' ? EXIT_CONFIG : 1;
  }
}

async function run(file: string | undefined, checkOnly: boolean): Promise<number> {
  const config = configFrom(file);
  if (typeof config === 'number') return config;
  if (checkOnly) {
    process.stdout.write('central configuration is valid\n');
    return 0;
  }
  const signalled = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  const logger = createLogger(config.log.level);
  const app = await storeOrExit(() => CentralApp.open(config, { logger }));
  if (typeof app === 'number') return app;
  try {
    await app.start();
  } catch (err) {
    await app.stop().catch(() => undefined);
    // broker.passwordFile / ca / cert / key of an external broker: a configuration problem (exit 78, no restart).
    if (err instanceof MqttSetupError) {
      logger.fatal({ code: err.code, detail: err.message }, 'central could not start: a broker file cannot be read');
      process.stderr.write(`qrgate central: ${err.code}: ${err.message}\n`);
      return EXIT_CONFIG;
    }
    logger.fatal(
      { code: 'E_CENTRAL_LISTEN', detail: (err as Error).message },
      'central could not start (a port in use, or a TLS file unreadable)',
    );
    return 1;
  }
  const notifier = createNotifier(logger);
  notifier.ready(`central ready: ${app.brokerUrl ?? ''}`);
  // Watchdog pings only while the event loop turns and, for the SQLite file, the store answers (as the kiosk's run).
  // A PostgreSQL server that is away is not mended by restarting central (kiosks would only be disconnected): it is
  // reported by /health and the log, and central acknowledges nothing until it is back.
  const every = notifier.watchdogIntervalMs;
  const shared = config.store.url !== undefined;
  const watchdog =
    every === null
      ? undefined
      : systemClock.setInterval(() => {
          void (shared ? Promise.resolve(true) : app.store.isHealthy()).then((ok) => {
            if (ok) notifier.watchdog();
          });
        }, every);
  const ended = await Promise.race([signalled, app.failed]);
  if (typeof ended === 'string') logger.info({ signal: ended }, 'stopping');
  systemClock.clearInterval(watchdog);
  notifier.stopping();
  await app.stop();
  notifier.close();
  if (typeof ended === 'string') return 0;
  process.stderr.write(`qrgate central: ${ended.code}: ${ended.detail}; give every central process its own broker.clientId\n`);
  return EXIT_CLIENTID_TAKEN;
}

export function centralCommand(): Command {
  const central = new Command('central').description('qrgate central: the embedded broker, storage and fleet page for many kiosks');
  central
    .command('run')
    .description('run central in the foreground (as systemd does)')
    .option('-c, --config <file>', `configuration file (default: $QRGATE_CENTRAL_CONFIG or ${DEFAULT_CENTRAL_CONFIG})`)
    .option('--check', 'only validate the configuration and exit')
    .addHelpText(
      'after',
      `\nExit status: 0 after a clean stop or a valid --check, ${EXIT_CONFIG} invalid configuration or store key, ${EXIT_CLIENTID_TAKEN} another process took this broker.clientId (not restarted by systemd), 1 other failure.`,
    )
    .action(async (flags: { config?: string; check?: boolean }) => {
      process.exitCode = await run(flags.config, flags.check === true);
    });
  const kiosk = central.command('kiosk').description('kiosk MQTT credentials');
  kiosk
    .command('add <site> <device>')
    .description('make (or replace) the MQTT password of kiosk SITE/DEVICE; printed once, only its hash is stored')
    .option('-c, --config <file>', 'central configuration file')
    .action(async (site: string, device: string, flags: { config?: string }) => {
      if (!NAME.test(site) || !NAME.test(device))
        throw new UsageError('SITE and DEVICE are letters, digits, "_", "-", "." (as in the kiosk config)');
      const config = configFrom(flags.config);
      if (typeof config === 'number') return void (process.exitCode = config);
      const opened = await storeOrExit(() => openCentralStore(config, systemClock.now()));
      if (typeof opened === 'number') return void (process.exitCode = opened);
      const password = newKioskPassword();
      await opened.store.setKioskPassword({ site, device }, hashKioskPassword(password), systemClock.now().getTime());
      await opened.store.close();
      process.stderr.write(
        `kiosk ${site}/${device}: MQTT user name "${site}/${device}"; put the password below in the kiosk's mqtt.passwordFile. It is shown only this once.\n`,
      );
      process.stdout.write(`${password}\n`);
    });
  const user = central.command('user').description('operators of the fleet page');
  user
    .command('add <name>')
    .description('add (or update) an operator; the password is read from standard input when it is not a terminal')
    .addOption(
      new Option('--role <role>', 'viewer (fleet only), tracer (also check-ins and contacts), admin').choices(ROLES).makeOptionMandatory(),
    )
    .option('-c, --config <file>', 'central configuration file')
    .action(async (name: string, flags: { role: Role; config?: string }) => {
      if (!NAME.test(name)) throw new UsageError('NAME is letters, digits, "_", "-", "."');
      const config = configFrom(flags.config);
      if (typeof config === 'number') return void (process.exitCode = config);
      const password = await readPassword(`Password for ${name}: `);
      const hash = await hashPassword(password);
      const opened = await storeOrExit(() => openCentralStore(config, systemClock.now()));
      if (typeof opened === 'number') return void (process.exitCode = opened);
      await opened.store.setUser(name, flags.role, hash, systemClock.now().getTime());
      await opened.store.close();
      process.stderr.write(`operator ${name} (${flags.role}) saved\n`);
    });
  return central;
}
