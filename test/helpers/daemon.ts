/**
 * A real `qrgate run` child process, with its JSON log lines parsed as they arrive, and the config file it runs
 * with. One implementation serves the tests, the benchmarks and the chaos suite: scripts/lib/daemon.mjs.
 */
export { Daemon, writeConfig, type LogLine } from '../../scripts/lib/daemon.mjs';
