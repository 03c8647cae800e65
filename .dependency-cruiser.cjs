// @ts-check
/**
 * The import rules of the repository, checked by `pnpm lint` and `./ordo test` (`pnpm depcruise`).
 * packages/core/src/workflows/README.md explains the rules for workflow code.
 */

/** Folders and files of @ordo/core that workflow code may import: zod-free and deterministic. */
const WORKFLOW_SAFE = [
  '^packages/core/src/(model|steps|jobs|workflows)/',
  '^packages/core/src/(job-workflow-contract|search-attributes)[.]ts$',
];
/** The npm packages workflow code may load (JSONata and RE2 on demand, see the README). */
const WORKFLOW_SAFE_PACKAGES = '(^|/)node_modules/(@temporalio/(workflow|common)|jsonata|re2js)/';
/** Tests sit beside the code and may import across its layers. */
const TESTS = '[.]test[.]ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      comment:
        'No import cycle anywhere, type-only imports included: erased at run time, they still tie ' +
        'the modules together (the 16-file cycle of @ordo/core ran through type imports), and ' +
        'arrows that run one way are what lets a module move out on its own.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'workflow-code-is-workflow-safe',
      comment:
        'Workflow code, and all it imports, runs in the workflow sandbox for every job: no Node ' +
        'built-ins, no zod or schema module at run time (types only), no other package but ' +
        "Temporal's workflow API, JSONata and RE2. Closed over its folders, so the rule holds for " +
        'everything the bundle reaches.',
      severity: 'error',
      from: { path: WORKFLOW_SAFE, pathNot: TESTS },
      to: { pathNot: [...WORKFLOW_SAFE, WORKFLOW_SAFE_PACKAGES], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'model-is-the-bottom',
      comment: 'model/ knows no step type and no workflow: steps, jobs and workflows build on it.',
      severity: 'error',
      from: { path: '^packages/core/src/model/', pathNot: TESTS },
      to: { path: '^packages/core/src/(steps|jobs|workflows)/' },
    },
    {
      name: 'steps-below-jobs-and-workflows',
      comment: 'Step types are found through STEP_TYPES by what runs them, never the other way.',
      severity: 'error',
      from: { path: '^packages/core/src/steps/', pathNot: TESTS },
      to: { path: '^packages/core/src/(jobs|workflows)/' },
    },
    {
      name: 'no-workflow-outside-workflows',
      comment: 'Only the worker (through @ordo/core/workflows) loads the workflow itself.',
      severity: 'error',
      from: { path: '^packages/core/src/(model|schemas|jobs)/', pathNot: TESTS },
      to: { path: '^packages/core/src/workflows/' },
    },
    {
      name: 'no-zlib-in-tools',
      comment:
        'Heavy tools run in worker threads that may be terminated (ToolThreads), and Node 20 aborts ' +
        "the whole process when a thread holding a zlib handle is terminated ('close before init'). " +
        'Tool threads have no web compression streams (threads/thread-entry.mjs); tools may not ' +
        'import zlib either. pdf.js inflates in JavaScript there.',
      severity: 'error',
      from: { path: '^packages/tools/src/', pathNot: TESTS },
      to: { dependencyTypes: ['core'], path: '^(node:)?zlib$' },
    },
  ],
  options: {
    // What an npm package imports is its own business; workspace packages resolve to their source.
    doNotFollow: { path: '(^|/)node_modules/' },
    exclude: { path: '(^|/)(dist|[.]tools|[.]data)/' },
    // Sees `import type`, marked `type-only`: counted in cycles, allowed where only run time matters.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs'],
    },
  },
};
