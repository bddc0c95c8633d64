// Compiles the app once before any suite: the entry-point and multi-process tests run dist/ as
// `npm start` does, and two suites compiling into dist/ at the same time would trip over each other.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = async () => {
  const root = path.resolve(__dirname, '..');
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
};
