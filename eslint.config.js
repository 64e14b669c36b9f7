// Type-aware lint: the rules that catch what bites a long-running daemon (a forgotten await, a switch that
// silently misses a new variant of a union) are on as errors.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** An import of another layer's folder, by its name as a path segment: `../store/x.js`, `../../drivers/y.js`. */
const dir = (name) => ({ regex: `(^|/)${name}/`, message: `this layer may not import ${name}/ (layer rules: eslint.config.js)` });
const file = (path) => ({
  regex: `(^|/)${path.replace('.', '\\.')}$`,
  message: `this layer may not import ${path} (layer rules: eslint.config.js)`,
});
const pkg = (name) => ({
  regex: `^${name}(/|$)`,
  message: `this layer may not import the ${name} package (layer rules: eslint.config.js)`,
});
const roots = [dir('cli'), file('app.js')];

/** A bare reading of the wall clock (lint's `no-restricted-syntax` selectors). */
const wallClockSyntax = [
  {
    selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
    message: 'read the time from the injected Clock (src/core/clock.ts)',
  },
  {
    selector: "NewExpression[callee.name='Date'][arguments.length=0]",
    message: 'read the time from the injected Clock (src/core/clock.ts)',
  },
];
/** `systemClock` outside a composition root: a part that picks the wall clock itself cannot be driven by a test. */
const systemClockImport = {
  selector: "ImportSpecifier[imported.name='systemClock']",
  message: 'take the Clock you are given; only the composition roots (and the allow-list in eslint.config.js) use systemClock',
};
/**
 * `import()` is not seen by no-restricted-imports, so a layer could reach a forbidden module lazily. This rule applies
 * the layer's same patterns to every `import('…')` with a literal source, and refuses a computed source outright (it
 * cannot be checked).
 */
const layersPlugin = {
  rules: {
    'no-restricted-dynamic-import': {
      meta: {
        type: 'problem',
        schema: [{ type: 'object', properties: { patterns: { type: 'array' } }, additionalProperties: false }],
      },
      create(context) {
        const patterns = (context.options[0]?.patterns ?? []).map((p) => ({ re: new RegExp(p.regex, 'iu'), message: p.message }));
        return {
          ImportExpression(node) {
            const { source } = node;
            const literal =
              source.type === 'Literal' && typeof source.value === 'string'
                ? source.value
                : source.type === 'TemplateLiteral' && source.expressions.length === 0
                  ? source.quasis[0].value.cooked
                  : null;
            if (literal === null) {
              context.report({ node, message: 'import() with a computed source cannot be checked against the layer rules' });
              return;
            }
            const hit = patterns.find((p) => p.re.test(literal));
            if (hit !== undefined) context.report({ node, message: `${hit.message} (dynamic import)` });
          },
        };
      },
    },
  },
};

function layerRules() {
  const forwarder = [
    ...['drivers', 'checkin', 'http', 'provision', 'doctor'].map(dir),
    pkg('serialport'),
    pkg('node-hid'),
    pkg('fastify'),
    ...roots,
  ];
  const rules = {
    // The kernel imports only itself and the platform.
    'src/core/**/*.ts': [
      { regex: '^\\.\\./', message: 'src/core is the kernel: it imports no other layer' },
      pkg('mqtt'),
      pkg('better-sqlite3'),
      pkg('fastify'),
      pkg('serialport'),
      pkg('node-hid'),
    ],
    // Decoders are pure: an allow-list, their own folder and the kernel, nothing else (no package, no node:).
    'src/decode/**/*.ts': [{ regex: '^(?!\\./|\\.\\./core/)', message: 'decoders are pure: they may import only ./ and ../core/' }],
    // The store knows nothing of MQTT, HTTP, scanners or the pipeline that feeds it.
    'src/store/**/*.ts': [
      ...['forwarder', 'http', 'checkin', 'provision', 'doctor', 'drivers'].map(dir),
      pkg('mqtt'),
      pkg('fastify'),
      pkg('serialport'),
      ...roots,
    ],
    // The MQTT side knows the store's outbox and the contract, nothing of scanners, the pipeline or the page.
    'src/forwarder/**/*.ts': [...forwarder, pkg('mqtt')],
    // The one importer of mqtt.js (as Zigbee2MQTT's lib/mqtt.ts): connect, options, the probe, error codes.
    'src/forwarder/connection.ts': forwarder,
    // Drivers only turn bytes into frames: of src/ they see the kernel alone.
    'drivers/**/*.ts': [
      { regex: '^(\\.\\./)+src/(?!core/)', message: 'drivers may import only src/core of the daemon' },
      pkg('mqtt'),
      pkg('better-sqlite3'),
      pkg('fastify'),
    ],
    'src/checkin/**/*.ts': [...['forwarder', 'http', 'provision', 'doctor', 'drivers'].map(dir), pkg('mqtt'), pkg('fastify'), ...roots],
    'src/http/**/*.ts': [...['provision', 'doctor', 'drivers'].map(dir), pkg('mqtt'), pkg('better-sqlite3'), pkg('serialport'), ...roots],
    'src/config/**/*.ts': [...['store', 'forwarder', 'http', 'checkin', 'provision', 'doctor'].map(dir), pkg('mqtt'), ...roots],
    // Provisioning opens scanners through the driver factory the CLI passes in (as AppDeps.driverFactory): it may
    // name the drivers' types, not build drivers itself.
    'src/provision/**/*.ts': [
      dir('http'),
      dir('checkin'),
      pkg('mqtt'),
      {
        regex: '(^|/)drivers/index\\.js$',
        allowTypeImports: true,
        message: 'provisioning gets its driver factory from the CLI (layer rules: eslint.config.js); type imports are fine',
      },
      ...roots,
    ],
    'src/doctor/**/*.ts': [dir('http'), dir('checkin'), dir('provision'), pkg('mqtt'), ...roots],
    'src/systemd/**/*.ts': [...['store', 'forwarder', 'http', 'checkin', 'provision', 'doctor', 'drivers'].map(dir), ...roots],
    // The kiosk's composition roots (src/app.ts, src/cli/) may import any layer, but mqtt.js only through
    // src/forwarder/connection.ts.
    'src/*.ts': [pkg('mqtt')],
    'src/cli/**/*.ts': [pkg('mqtt')],
    // Central is the second composition root (src/central/app.ts, the receiving side): it reuses the kernel, config,
    // the store's pieces, the forwarder's contract and connection, and the HTTP helpers, but nothing of the kiosk's
    // scanners, pipeline, provisioning, doctor, its root or the CLI.
    'src/central/**/*.ts': [
      ...['cli', 'drivers', 'checkin', 'provision', 'doctor'].map(dir),
      { regex: '^\\.\\./app\\.js$', message: 'central may not import the kiosk daemon (src/app.ts)' },
      pkg('mqtt'),
      pkg('serialport'),
      pkg('node-hid'),
    ],
  };
  return Object.entries(rules).map(([files, patterns]) => ({
    files: [files],
    plugins: { layers: layersPlugin },
    rules: {
      // The typescript-eslint variant of no-restricted-imports, for `allowTypeImports` (provision may name driver types).
      '@typescript-eslint/no-restricted-imports': ['error', { patterns }],
      'layers/no-restricted-dynamic-import': ['error', { patterns }],
    },
  }));
}

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'artifacts/', 'bench-results.json'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: false, requireDefaultForNonUnion: false },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/ban-ts-comment': ['error', { 'ts-expect-error': 'allow-with-description' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
  },
  // One clock (src/core/clock.ts): a bare reading of the wall clock or a global timer cannot be driven by a test,
  // and is how a suite that passes today fails next month. Only the composition roots hand out `systemClock`; every
  // other part takes the clock it is given. The browser's scripts (src/http/public/*.js, src/central/public/*.js) are
  // outside this rule on purpose: they run in the receptionist's or operator's browser, where the screen's own clock
  // is the time to show, and no daemon clock exists to inject.
  {
    files: ['src/**/*.ts', 'drivers/**/*.ts'],
    ignores: ['src/core/clock.ts'],
    rules: {
      'no-restricted-syntax': ['error', ...wallClockSyntax, systemClockImport],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'use the injected Clock (src/core/clock.ts) for timers' },
        { name: 'setInterval', message: 'use the injected Clock (src/core/clock.ts) for timers' },
      ],
    },
  },
  {
    // Where `systemClock` may be imported: the composition roots, and an allow-list where a wall clock is truly meant.
    files: [
      // The composition roots: they give every part its clock.
      'src/app.ts',
      'src/cli/**/*.ts',
      'src/central/app.ts',
      // The default for a driver opened outside the daemon (provision's test scan and its scan of a provisioning QR),
      // which waits on a technician in real time; the daemon passes its own clock (App.start).
      'drivers/device-driver.ts',
      'drivers/simulated/simulated-driver.ts',
      // The default for a store opened outside the daemon (the bench's and chaos's fixtures, store tests that do not
      // look at time), where "now" is the real time of the run; the daemon passes its own clock (App.open).
      'src/store/open-store.ts',
      'src/store/store-context.ts',
      // Provisioning waits for a technician's test scan and a broker's answer in real time, once, at a terminal.
      'src/provision/scanner-check.ts',
      'src/provision/broker-check.ts',
    ],
    rules: { 'no-restricted-syntax': ['error', ...wallClockSyntax] },
  },
  // One-way layers, enforced here (a test makes sure a forbidden import fails): each layer names what it must not
  // import. src/core is the shared kernel (clock, zone, codes) and imports no other layer; the composition roots
  // (src/app.ts, src/cli/) may import anything.
  ...layerRules(),
);
