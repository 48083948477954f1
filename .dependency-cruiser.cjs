/**
 * The layering, checked by `npm test` (`npm run lint:imports`): imports point down
 * ui → workers → core (and cli → core), never back up, and no module or core folder takes
 * part in a cycle; other folders, the page, the workers and the command line use a core folder
 * through its face (index.ts). Tests and benchmarks may reach inside to test or time a part.
 */
module.exports = {
  forbidden: [
    {
      name: 'core-stays-below',
      comment: 'src/core runs in workers and in Node: it never imports the page, the workers or the command line',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^(src/ui|src/cli|src/offline|workers)/' },
    },
    {
      name: 'workers-below-ui',
      comment: 'the workers are shells over src/core; contracts the page shares with them live in src/core/lab',
      severity: 'error',
      from: { path: '^workers/' },
      to: { path: '^src/(ui|cli)/' },
    },
    {
      name: 'cli-not-ui',
      comment: 'the command line runs in Node: no page code',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: { path: '^(src/ui|workers)/' },
    },
    {
      name: 'no-cycles',
      comment: 'a cycle makes two modules one: move the shared piece to where it belongs',
      severity: 'error',
      from: { path: '^(src|workers)/' },
      to: { circular: true },
    },
    {
      name: 'no-folder-cycles',
      comment: 'a folder is a module: two folders that import each other are one; move the shared piece down',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/core/' },
      to: { circular: true },
    },
    {
      name: 'core-through-faces',
      comment: "a core folder is used through its face (index.ts): import '../ingest', not '../ingest/batch'; export from the face what other folders need",
      severity: 'error',
      from: { path: '^src/core/([^/]+)/' },
      to: { path: '^src/core/', pathNot: ['^src/core/$1/', '/index\\.ts$'] },
    },
    {
      name: 'page-workers-cli-through-faces',
      comment: "the page, the workers and the command line use src/core through its folders' faces (index.ts)",
      severity: 'error',
      from: { path: '^(src/(ui|cli)|workers)/' },
      // detectors/defaults.ts is plain data the page reads without loading TensorFlow.js (the detectors' face would)
      to: { path: '^src/core/', pathNot: ['/index\\.ts$', '^src/core/detectors/defaults\\.ts$'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.svelte', '.json'] },
  },
};
