// ESLint for the TypeScript sources, tests and build scripts: the recommended rules of ESLint
// and typescript-eslint, with the few changes this code base needs (each says why).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeGlobals = Object.fromEntries(
  ['process', 'console', 'URL', 'Buffer', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', '__dirname', 'require'].map((g) => [g, 'readonly']),
);

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.cache/**', 'test-artifacts/**', 'sample-data/**', '.bench/**', '.fracture-cnn/**', '.tmp-*/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: nodeGlobals },
  },
  {
    rules: {
      // `_`-prefixed names are kept on purpose (a callback's unused leading parameters).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // A ternary picking which side effect to run reads fine on one line.
      '@typescript-eslint/no-unused-expressions': ['error', { allowTernary: true }],
    },
  },
);
