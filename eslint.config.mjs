// npm run lint: typescript-eslint with type information, for the rules that catch what tsc does
// not: a switch over a union that forgets a member, a promise nobody awaits, a name nobody uses.
// Formatting is Prettier's (npm run format); eslint-config-prettier turns off the rules it owns.
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.ci/**',
      'reports/**',
      '.stryker-tmp/**',
      'coverage/**',
      'sandbox/demo-page/**',
      'bench/usual/**',
      'test/fixtures/**',
      // Type-checked against Flex UI's own types in .ci/run (tsc --strict), with its own tsconfig.
      'examples/**',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: false, requireDefaultForNonUnion: false }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // The Runtime hands modules over by path: entry points require the library through it.
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // The layers point one way (docs/architecture.md): webhooks → workflows → adapters → transport.
    // An adapter translates one Twilio resource and decides nothing; a workflow never reaches up to a webhook.
    files: ['src/adapters/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/workflows/**', '**/webhooks/**', '**/operations'],
              message: 'adapters do not decide: no workflow, webhook or operation here',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/webhooks/**', '**/operations'], message: 'workflows do not reach up to the webhooks or the operations' }] },
      ],
    },
  },
  {
    // Tests build odd inputs on purpose.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-empty-function': 'off', '@typescript-eslint/ban-ts-comment': 'off' },
  },
  prettier,
);
