/**
 * Which code may depend on which (`npm run lint:deps`, first step of `npm test`).
 *
 * The domain libraries (deciders, projection definitions, the availability engine) depend on
 * @kairos/core, on each other and on pure packages only; stores, runners, publishers and the app
 * depend on the domain, never the reverse. Only shipped code is checked: specs, fixtures and test
 * oracles may reach for stores and servers.
 */
/** Every library but the infrastructure ones is domain, so a new capability's library is held to the rules unnamed. */
const INFRASTRUCTURE = '(sql|event-store|read-store|projections|publisher|testing)';
const DOMAIN = `^libs/(?!${INFRASTRUCTURE}/)[^/]+/src/`;
const PURE_PACKAGES = '(^|/)node_modules/(luxon|@types/luxon|@sinclair/typebox|libphonenumber-js)/';
/** Node built-ins that reach outside the process (files, network, processes, threads, the host). */
const IO_BUILTINS = '^(node:)?(fs|fs/promises|net|http|https|http2|tls|dgram|dns|dns/promises|child_process|cluster|worker_threads|readline|repl|inspector|os|vm|v8|perf_hooks|async_hooks|process)$';
const TESTS = '(\\.spec|\\.int\\.spec|\\.e2e-spec|\\.fixture)\\.ts$|/test-oracle\\.ts$|^libs/testing/';

module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'A domain library imports @kairos/core, other domain libraries and pure packages only: no store, runner, publisher, framework or driver.',
      severity: 'error',
      from: { path: DOMAIN },
      to: { pathNot: [DOMAIN, PURE_PACKAGES], dependencyTypesNot: ['core'] },
    },
    {
      name: 'domain-does-no-io',
      comment: 'A domain library does not reach files, network, processes or threads.',
      severity: 'error',
      from: { path: DOMAIN },
      to: { dependencyTypes: ['core'], path: IO_BUILTINS },
    },
    {
      name: 'core-stands-alone',
      comment: '@kairos/core is what every library shares; it depends on no other library.',
      severity: 'error',
      from: { path: '^libs/core/src/' },
      to: { path: '^(libs/(?!core/)|apps/)' },
    },
    {
      name: 'libs-never-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'no-cycles',
      severity: 'error',
      from: { path: '^(apps|libs)/' },
      to: { circular: true },
    },
    {
      name: 'no-folder-cycles',
      comment: 'No two folders depend on each other, however indirectly.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^(apps|libs)/' },
      to: { circular: true },
    },
    {
      name: 'resolvable',
      comment: 'Every import resolves, @kairos/* aliases included (through tsconfig.json), so the rules above see what is imported.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    // ES modules only: the config reader has a function named `require` that is no module import.
    moduleSystems: ['es6'],
    doNotFollow: { path: 'node_modules' },
    exclude: { path: TESTS },
  },
};
