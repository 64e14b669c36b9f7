// Copies the status page's static files next to the compiled server (dist/src/http/public), because tsc emits only
// what it compiles. The server finds them relative to its own module, so the same code serves src/ under the tests
// and dist/ in a package, where src/ is not shipped.
import { cpSync, rmSync } from 'node:fs';

const from = new URL('../src/http/public/', import.meta.url);
const to = new URL('../dist/src/http/public/', import.meta.url);
rmSync(to, { recursive: true, force: true });
cpSync(from, to, { recursive: true });

// And central's fleet page (src/central/public → dist/src/central/public).
const centralFrom = new URL('../src/central/public/', import.meta.url);
const centralTo = new URL('../dist/src/central/public/', import.meta.url);
rmSync(centralTo, { recursive: true, force: true });
cpSync(centralFrom, centralTo, { recursive: true });
