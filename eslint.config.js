// ESLint: typescript-eslint's type-aware recommended rules on all TypeScript. Layout is Prettier's job, so
// eslint-config-prettier comes last and turns off every rule that would disagree with it.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['node_modules/', '.local/', 'dbt/', 'logs/'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { args: 'after-used', argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-floating-promises': 'error',
      // A server whose handlers hand out its own URL is declared first and assigned once it is listening; a
      // destructuring with one reassigned name stays one let.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true, destructuring: 'all' }],
      // Functions are async to fit a Promise-returning interface (handlers, fakes, clocks) without awaiting
      // anything; a forgotten await is what no-floating-promises catches.
      '@typescript-eslint/require-await': 'off',
      // Rejecting with an AbortSignal's reason (typed any) is what the platform's own abortable APIs do.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true }],
      // String(value) on values read from wire JSON (typed unknown, narrowed to {}) is all this flagged here.
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
  {
    // Tests read wire JSON (response bodies, parsed files, recorded requests) and assert on it: a wrong shape
    // fails the assertion, so typing every body would add casts that check nothing.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Plays BigQuery's REST API: its job and table resources are untyped JSON, as on the wire.
    files: ['test/bigquery/fake-bigquery.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Plain JavaScript outside the tsconfig (this file): no type information for it.
    files: ['**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  prettier,
);
