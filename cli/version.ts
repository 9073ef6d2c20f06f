/** The package's version, from the sources (cli/) or from the build (dist/cli/). */
export function packageVersion(): string {
  for (const file of ['../package.json', '../../package.json']) {
    try {
      const pkg = require(file);
      if (pkg.name === 'stagekit') return pkg.version;
    } catch {
      // not this layout
    }
  }
  return 'unknown';
}
