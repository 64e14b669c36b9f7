import { Command } from 'commander';
import { systemClock, type Timer } from '../core/clock.js';
import { App } from '../app.js';
import { ConfigError, formatProblem, loadConfig } from '../config/load.js';
import { createLogger } from '../logger.js';
import { StoreError } from '../store/errors.js';
import { createNotifier, type Notifier } from '../systemd/notify.js';

export const DEFAULT_CONFIG = '/etc/qrgate/config.yaml';
/** EX_CONFIG: restarting cannot fix it (the unit sets RestartPreventExitStatus=78), a technician must. */
export const EXIT_CONFIG = 78;
const STOP_DEADLINE_MS = 5000;

function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals): void => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(signal);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}

async function run(file: string, checkOnly: boolean): Promise<number> {
  let loaded;
  try {
    loaded = loadConfig(file);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`qrgate: ${err.message}\n`);
    return EXIT_CONFIG;
  }
  if (checkOnly) {
    // The same warnings the daemon logs at start, so a check and a start never disagree.
    for (const w of loaded.warnings) process.stderr.write(`qrgate: warning: ${formatProblem(w)}\n`);
    const warned =
      loaded.warnings.length === 0 ? '' : ` (${loaded.warnings.length} warning${loaded.warnings.length === 1 ? '' : 's'} above)`;
    process.stdout.write(`${file}: configuration is valid${warned}\n`);
    return 0;
  }
  // Listening from here on: a SIGTERM during start-up (systemd stopping us, a technician's Ctrl-C) is a clean stop
  // once started, never the default action that kills the process half-way.
  const signalled = waitForSignal();
  const logger = createLogger(loaded.config.log.level);
  for (const w of loaded.warnings)
    logger.warn({ variable: w.path.replace(/ \(environment\)$/, '') }, `configuration warning: ${formatProblem(w)}`);
  let app: App;
  try {
    app = App.open(loaded.config, { logger });
  } catch (err) {
    if (!(err instanceof StoreError)) throw err;
    logger.fatal({ code: err.code, detail: err.message }, 'cannot open the check-in store');
    // Also in plain words for a technician running it by hand (the log is JSON for journald).
    process.stderr.write(`qrgate: ${err.code}: ${err.message}\n`);
    return err.code === 'E_STORE_KEY' || err.code === 'E_STORE_VERSION' ? EXIT_CONFIG : 1;
  }
  await app.start();
  const notifier = createNotifier(logger);
  notifier.ready(`ready: ${loaded.config.scanners.length} scanner(s), ${app.store.pendingCount()} pending`);
  const watchdog = startWatchdog(notifier, app, logger);
  const signal = await signalled;
  logger.info({ signal }, 'stopping');
  notifier.stopping();
  systemClock.clearInterval(watchdog);
  // A stop that hangs (a device that will not close) must not keep systemd waiting past its own timeout.
  const deadline = systemClock.setTimeout(() => {
    logger.error('stop took longer than 5 s; exiting anyway');
    process.exit(1);
  }, STOP_DEADLINE_MS);
  deadline.unref();
  await app.stop();
  notifier.close();
  systemClock.clearTimeout(deadline);
  return 0;
}

/**
 * Pings systemd's watchdog only while the daemon is really working: the timer firing proves the event loop turns,
 * and the store must answer. A wedged loop or a dead database handle stops the pings, and systemd restarts us.
 */
function startWatchdog(notifier: Notifier, app: App, logger: ReturnType<typeof createLogger>): Timer | undefined {
  const every = notifier.watchdogIntervalMs;
  if (every === null) return undefined;
  let healthy = true;
  return systemClock.setInterval(() => {
    const ok = app.store.isHealthy();
    if (ok) notifier.watchdog();
    else if (healthy) logger.error('the store does not answer: watchdog pings withheld, systemd will restart the service');
    healthy = ok;
  }, every);
}

export function runCommand(): Command {
  return new Command('run')
    .description('run the check-in daemon in the foreground (as systemd does)')
    .option('-c, --config <file>', `configuration file (default: $QRGATE_CONFIG or ${DEFAULT_CONFIG})`)
    .option('--check', 'only validate the configuration and exit')
    .addHelpText(
      'after',
      `\nExit status: 0 after a clean stop (SIGTERM/SIGINT) or a valid --check, ${EXIT_CONFIG} invalid configuration or store key, 1 other failure.`,
    )
    .action(async (flags: { config?: string; check?: boolean }) => {
      process.exitCode = await run(flags.config ?? process.env.QRGATE_CONFIG ?? DEFAULT_CONFIG, flags.check === true);
    });
}
