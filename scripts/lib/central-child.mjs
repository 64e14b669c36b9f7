// qrgate central for benchmarks and chaos scenarios: the built CentralApp (dist/) as `qrgate central run` composes
// it, plus an injected loss for the scenarios that need one (the app's test hook, never a config key):
//   node scripts/lib/central-child.mjs CONFIG [--drop-all] [--drop-once-every=N]
//   --drop-all            acknowledge every check-in without storing it (the bench's "storing off" baseline)
//   --drop-once-every=N   acknowledge the first delivery of every Nth seq per kiosk without storing it
import { dist } from './util.mjs';

const [file, ...flags] = process.argv.slice(2);
const { CentralApp } = await dist('src/central/app.js');
const { loadCentralConfig } = await dist('src/central/config-load.js');
const { createLogger } = await dist('src/logger.js');

const config = loadCentralConfig(file);
const every = Number(flags.find((f) => f.startsWith('--drop-once-every='))?.split('=')[1] ?? 0);
const dropped = new Set();
const drop = flags.includes('--drop-all')
  ? () => true
  : every > 0
    ? (m) => {
        const key = `${m.site}/${m.device}/${m.seq}`;
        if (m.seq % every !== 0 || dropped.has(key)) return false;
        dropped.add(key);
        return true;
      }
    : undefined;
const logger = createLogger(config.log.level);
const app = await CentralApp.open(config, { logger, ...(drop ? { drop } : {}) });
await app.start();
process.once('SIGTERM', async () => {
  await app.stop();
  process.exit(0);
});
