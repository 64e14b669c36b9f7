/**
 * A real Mosquitto broker on a free loopback port, started by the test; it can be killed and started again on the
 * same port, with its persistence kept or wiped. One implementation serves the tests, the benchmarks and the chaos
 * suite: scripts/lib/broker.mjs.
 */
export { freePort, Mosquitto, requireMosquitto, type BrokerOptions } from '../../scripts/lib/broker.mjs';
