// The bare skeleton the footprint rows compare with: better-sqlite3 (WAL, FULL) and mqtt.js connected, nothing
// else. Prints "ready" when both are up, then idles until killed. Usage: node skeleton.mjs DB URL
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { setInterval } from 'node:timers';

const [db, url] = process.argv.slice(2);
const conn = new Database(db);
conn.pragma('journal_mode = WAL');
conn.pragma('synchronous = FULL');
const client = await mqtt.connectAsync(url, { protocolVersion: 5, reconnectPeriod: 0 });
client.on('error', () => undefined);
console.log(JSON.stringify({ msg: 'ready' }));
setInterval(() => undefined, 60_000);
