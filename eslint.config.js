import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'data/**',
      'web/src/api/schema.d.ts',
      'server/bin/**',
      // the ledger reader's thread entry: plain script that registers tsx, like server/bin
      'server/src/**/*.mjs',
      // autocannon's per-request hook, required by path inside its worker thread
      'server/bench/**/*.cjs',
      'eslint.config.js',
      '.ci/**',
      '**/.tmp/**',
      // the field app's service worker: plain script, served as is
      'web/public/sw.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // `res.json() as T` reads better in tests than a type argument
    files: ['**/*.test.ts', '**/*.e2e.ts', '**/test/**/*.ts'],
    rules: { '@typescript-eslint/no-unnecessary-type-assertion': 'off' },
  },
  {
    files: ['web/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
);
