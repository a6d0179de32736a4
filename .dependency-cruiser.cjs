/**
 * The layer rules of ../shared/architecture.md, as configuration: `npm run lint` fails when an
 * import crosses a layer the wrong way or closes a circle.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import circle: split the shared part into a module both sides import.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-imports-nothing',
      severity: 'error',
      comment: 'domain/ is pure TypeScript, safe inside workflows: it imports only domain/ (no node builtins, no packages).',
      from: { path: '^domain/' },
      to: { pathNot: '^domain/' },
    },
    {
      name: 'api-never-imports-activities',
      severity: 'error',
      comment: 'The API reads the store and talks to workflows; side effects belong to activities run by the worker.',
      from: { path: '^api/' },
      to: { path: '^activities/' },
    },
    {
      name: 'api-builds-no-query',
      severity: 'error',
      comment:
        'Routes call services, services call the store: SQL lives in store/. api/ may use kysely for types only (test/unit/api-builds-no-query.test.ts also refuses query builder calls there).',
      from: { path: '^api/' },
      to: { path: '^node_modules/kysely/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'workflows-import-activities-as-types-only',
      severity: 'error',
      comment: 'Workflow code is bundled and sandboxed: activity code reaches it only as types for proxies.',
      from: { path: '^workflows/' },
      to: { path: '^activities/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'workflows-stay-deterministic',
      severity: 'error',
      comment: 'Workflow code imports domain/, workflows/, the Temporal workflow SDK, and other layers as types only.',
      from: { path: '^workflows/' },
      to: {
        pathNot: ['^workflows/', '^domain/', '^node_modules/@temporalio/(workflow|common)/'],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'store-below-api-and-activities',
      severity: 'error',
      comment: 'The store is the bottom layer beside domain/: it never reaches up into the API, activities, workflows or the worker.',
      from: { path: '^store/' },
      to: { path: '^(api|activities|workflows|worker)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'codec-below-api-and-worker',
      severity: 'error',
      comment:
        'The payload codec is used by every Temporal client and worker (api, worker, scripts, bench, test): it needs only config/ and the Temporal SDK, never the layers that use it.',
      from: { path: '^codec/' },
      to: { path: '^(api|activities|workflows|worker|store|scripts|bench|test)/' },
    },
    {
      name: 'platform-below-api-and-worker',
      severity: 'error',
      comment:
        'platform/ holds start-up checks both the API and the worker run: it needs the Temporal client, config/ and the search-attribute registry, never the layers that use it.',
      from: { path: '^platform/' },
      to: { path: '^(api|activities|worker|store|scripts|bench|test|deploy)/' },
    },
    {
      name: 'deploy-is-facts',
      severity: 'error',
      comment: 'deploy/topology.ts is data the launchers and the compose test read: it imports nothing of the product.',
      from: { path: '^deploy/' },
      to: { pathNot: '^deploy/' },
    },
    {
      name: 'simulators-import-nothing-of-the-product',
      severity: 'error',
      comment: 'Simulators stand in for external systems: they speak the wire formats, not our code.',
      from: { path: '^simulators/' },
      to: { path: '^(api|activities|workflows|worker|store|domain|config)/' },
    },
    {
      name: 'product-never-imports-tests',
      severity: 'error',
      comment: 'Only tests import test helpers; benchmarks get their fixtures from bench/.',
      from: { pathNot: '^test/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Packages are left out, save kysely: `api-builds-no-query` looks at how api/ imports it.
    exclude: { path: '^(node_modules/(?!kysely/)|dist|\\.data|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
