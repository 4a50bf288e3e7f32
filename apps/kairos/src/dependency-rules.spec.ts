import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import type { ICruiseOptions, ICruiseResult, IReporterOutput, IResolveOptions, ITranspileOptions } from 'dependency-cruiser';

// dependency-cruiser ships as ES modules only; a native import() keeps the transpiler from turning it into require().
const importModule = new Function('specifier', 'return import(specifier)') as <T>(specifier: string) => Promise<T>;

/** The violations of the project's rules (.dependency-cruiser.cjs, the aliases of tsconfig.json) among `paths`, as `npm run lint:deps` reports them. */
const violationsIn = async (paths: string[], maxDepth = 0) => {
  const { cruise } = await importModule<{
    cruise(paths: string[], options?: ICruiseOptions, resolve?: Partial<IResolveOptions>, transpile?: ITranspileOptions): Promise<IReporterOutput>;
  }>('dependency-cruiser');
  const { default: extractOptions } = await importModule<{ default(file: string): Promise<ICruiseOptions> }>('dependency-cruiser/config-utl/extract-depcruise-options');
  const { default: extractTsConfig } = await importModule<{ default(file: string): unknown }>('dependency-cruiser/config-utl/extract-ts-config');
  const options = await extractOptions('./.dependency-cruiser.cjs');
  const { output } = await cruise(paths, { ...options, maxDepth }, {}, { tsConfig: extractTsConfig('tsconfig.json') });
  return (output as ICruiseResult).summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }));
};

/** A module written into a domain library for the length of one check. */
const withDomainModule = async <T>(source: string, check: (path: string) => Promise<T>): Promise<T> => {
  const path = `libs/services/src/rule-probe-${randomBytes(4).toString('hex')}.ts`;
  writeFileSync(path, source);
  try {
    return await check(path);
  } finally {
    rmSync(path, { force: true });
  }
};

describe('dependency rules', () => {
  it('refuse a domain library that imports a store', async () => {
    const violations = await withDomainModule(
      "import { ReadStore } from '@kairos/read-store';\nexport type Probe = ReadStore;\n",
      (path) => violationsIn([path], 1),
    );
    expect(violations).toEqual([expect.objectContaining({ rule: 'domain-is-pure', to: 'libs/read-store/src/index.ts' })]);
  });

  it('refuse a domain library that reads files, and resolve the @kairos aliases it uses', async () => {
    const violations = await withDomainModule(
      "import { readFileSync } from 'node:fs';\nimport { SERVICES } from '@kairos/services';\nexport const probe = [readFileSync, SERVICES];\n",
      (path) => violationsIn([path], 1),
    );
    expect(violations).toEqual([expect.objectContaining({ rule: 'domain-does-no-io' })]);
  });

  it('hold for the whole tree', async () => {
    expect(await violationsIn(['apps', 'libs'])).toEqual([]);
  });
});
