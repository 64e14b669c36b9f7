// Type-aware lint: the rules that catch what bites a long-running daemon (a forgotten await, a switch that
// silently misses a new variant of a union) are on as errors.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
  },
  {
    // One clock (src/core/clock.ts): a bare reading of the wall clock or a global timer cannot be driven by a test,
    // and is how a suite that passes today fails next month. Where a wall clock is truly meant, the line says why.
    files: ['src/**/*.ts', 'drivers/**/*.ts'],
    ignores: ['src/core/clock.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'read the time from the injected Clock (src/core/clock.ts)' },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'read the time from the injected Clock (src/core/clock.ts)' },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'use the injected Clock (src/core/clock.ts) for timers' },
        { name: 'setInterval', message: 'use the injected Clock (src/core/clock.ts) for timers' },
      ],
    },
  },
  {
    // Pure layers must not reach for I/O: decoders are called on the hot path and in property tests.
    files: ['src/decode/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'net', 'child_process', '../store/*', '../cli/*'], message: 'decoders are pure: no I/O imports' },
          ],
        },
      ],
    },
  },
);
