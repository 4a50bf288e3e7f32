// Unit tests are pure; integration tests reach real PGlite, PostgreSQL and Kafka.
const swc = ['@swc/jest', JSON.parse(require('fs').readFileSync(`${__dirname}/.swcrc`, 'utf8'))];
// `@kairos/<lib>` is libs/<lib>/src, and `@kairos/<lib>/<path>` a module inside it, as in tsconfig.json.
const moduleNameMapper = {
  '^@kairos/([^/]+)$': '<rootDir>/libs/$1/src',
  '^@kairos/([^/]+)/(.+)$': '<rootDir>/libs/$1/src/$2',
};
const common = { rootDir: __dirname, transform: { '^.+\\.ts$': swc }, moduleNameMapper, testEnvironment: 'node' };
module.exports = {
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'], testPathIgnorePatterns: ['\\.int\\.spec\\.ts$'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/libs/**/*.int.spec.ts', '<rootDir>/apps/**/*.int.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/global-setup.ts',
      globalTeardown: '<rootDir>/test/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/conformance.setup.ts'],
    },
  ],
};
