// Finds the checkout's root (the folder holding package.json) so that data files under seeds/
// are read from the same place whether the code runs compiled from dist/ or from source in tests.
import { existsSync } from 'node:fs';
import path from 'node:path';

let cached: string | undefined;

export function projectRoot(): string {
  if (cached) return cached;
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find package.json above ${__dirname}`);
    dir = parent;
  }
  cached = dir;
  return dir;
}

export function fromProjectRoot(...segments: string[]): string {
  return path.join(projectRoot(), ...segments);
}
