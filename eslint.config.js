// @ts-check
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Workflow code is replayed by Temporal and must be deterministic: no Node
 * built-ins, no I/O libraries, no activity implementations. Activities are
 * reached only through `proxyActivities` with types declared in `@ordo/core`.
 */
const workflowForbiddenImports = [
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
  '@ordo/tools',
  '@ordo/storage',
  '@ordo/api',
  '@ordo/worker',
  '@temporalio/activity',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/testing',
  'better-sqlite3',
  'kysely',
  'pdfjs-dist',
  'hono',
];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/.turbo/**',
      '.tools/**',
      '.data/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
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
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@ordo/*/src/*', '@ordo/*/src'],
              message: 'Import another package through its public entry, never its src/.',
            },
          ],
        },
      ],
    },
  },
  {
    // The step types and what runs over them (jobs/) are workflow code too. The import rules of
    // .dependency-cruiser.cjs hold for everything workflow code reaches; these give the editor's view.
    files: ['packages/core/src/{workflows,steps,jobs}/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: workflowForbiddenImports.map((name) => ({
            name,
            message:
              'Workflow code must stay deterministic: no Node built-ins, I/O or activity implementations (see packages/core/src/workflows/README).',
          })),
          patterns: [
            {
              group: ['@ordo/*/src/*', '@ordo/*/src'],
              message: 'Import another package through its public entry, never its src/.',
            },
          ],
        },
      ],
      // Types only: the worker re-initialises every module a workflow imports for each
      // workflow execution, and loading zod there was most of a job's CPU. Schemas are
      // built outside workflow code (see packages/core/src/workflows/README.md).
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'zod',
              allowTypeImports: true,
              message: 'Workflow code loads no zod at run time: import its types only, build schemas in the model.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'Workflow code cannot read the environment.' },
        { name: 'fetch', message: 'Workflow code cannot do I/O: call an activity.' },
        { name: 'Buffer', message: 'Buffer is not available in the workflow sandbox.' },
        { name: 'require', message: 'Use ESM imports.' },
      ],
    },
  },
  {
    files: ['**/*.test.ts', '**/test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
);
