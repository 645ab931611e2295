// typescript-eslint's recommended rules over the product and the tests (npm test runs it).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.cache/**',
      'test/corpus/**',
      'test/fixtures/**',
      'test/e2e/artifacts/**',
      'examples/**',
      'templates/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Product lines stay within the formatter's width, strings, template literals and comments
    // included (Prettier does not split those); the tests are not held to it.
    files: ['client/**/*.ts', 'core/**/*.ts', 'server/**/*.ts', 'cli/**/*.ts'],
    rules: { 'max-len': ['error', { code: 110, ignoreUrls: true }] },
  },
  {
    rules: {
      // Lazy require() of parts a run may not need (the Lua parser, worker threads) is deliberate.
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        URL: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        queueMicrotask: 'readonly',
        structuredClone: 'readonly',
        performance: 'readonly',
        fetch: 'readonly',
        __dirname: 'readonly',
        require: 'readonly',
        module: 'writable',
        globalThis: 'readonly',
      },
    },
  },
);
