// Unit tests are pure; integration tests reach real PGlite, PostgreSQL and Kafka.
const swc = ['@swc/jest', JSON.parse(require('fs').readFileSync(`${__dirname}/.swcrc`, 'utf8'))];
const moduleNameMapper = {
  '^@kairos/(core|sql|projections|availability|bookings|services|resources|scheduling|testing)$': '<rootDir>/libs/$1/src',
  '^@kairos/(event-store|read-store|publisher)$': '<rootDir>/libs/$1/src',
  '^@kairos/(event-store|read-store|publisher)/(.*)$': '<rootDir>/libs/$1/src/$2',
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
    },
  ],
};
