// Some suites need a service that `npm install` does not bring: Debian's Chromium, a MariaDB server.
// They check for it while jest collects the file (collection is synchronous, so the checks are too), and
// then either run, or are skipped with the reason printed, so `npm test` passes on a fresh machine. CI
// sets REQUIRE_SERVICES=1, which turns every such skip into a failing test: CI can never skip silently.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';

/** What a check returns when the service is there; anything else is the reason it is not. */
export const AVAILABLE = 'available';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function chromiumAvailability(executable = CHROMIUM_PATH): string {
  const hint = `browser tests need Chromium at ${executable} (apt-get install -y chromium fonts-noto-cjk, or set CHROMIUM_PATH)`;
  try {
    if (!statSync(executable).isFile()) return `${hint}: not a file`;
    accessSync(executable, constants.X_OK);
    return AVAILABLE;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return `${hint}: ${code === 'ENOENT' ? 'not found' : code === 'EACCES' ? 'not executable' : String(error)}`;
  }
}

export interface MariadbServer {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** A real connection attempt, made in a child node process so that it can be waited for synchronously. */
export function mariadbAvailability(server: MariadbServer): string {
  const hint = `the MariaDB schema check needs a server at ${server.host}:${server.port} (user ${server.user}; start mariadbd, or set MYSQL_HOST, MYSQL_PORT, MYSQL_USER, MYSQL_PASSWORD)`;
  const probe = `
    const [mysql, server] = [require(process.argv[1]), JSON.parse(process.argv[2])];
    mysql.createConnection({ ...server, connectTimeout: 2000 })
      .then((connection) => connection.end())
      .then(() => process.exit(0), (error) => { process.stderr.write(error.code || error.message); process.exit(1); });`;
  const result = spawnSync(process.execPath, ['-e', probe, require.resolve('mysql2/promise'), JSON.stringify(server)], {
    encoding: 'utf8',
    timeout: 5000,
  });
  if (result.status === 0) return AVAILABLE;
  const timedOut = (result.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  const why = timedOut ? 'no answer within 5 s' : result.error?.message ?? (result.stderr.trim() || `probe exited with ${result.status}`);
  return `${hint}: ${why}`;
}

/** `describe(name, fn)` when `availability` is AVAILABLE; otherwise a skipped suite and a printed reason,
 *  or, under REQUIRE_SERVICES=1, a suite whose only test fails with that reason. */
export function describeIfAvailable(availability: string, name: string, fn: () => void): void {
  if (availability === AVAILABLE) {
    describe(name, fn);
  } else if (process.env.REQUIRE_SERVICES === '1') {
    describe(name, () => {
      it('has the service it needs (REQUIRE_SERVICES=1)', () => {
        throw new Error(availability);
      });
    });
  } else {
    console.warn(`skipped: ${availability}`);
    describe.skip(name, fn);
  }
}

/** A real PING, made in a child node process so that it can be waited for synchronously. */
export function redisAvailability(url: string): string {
  const hint = `the bull tests need Redis at ${url} (start redis-server, or set TEST_REDIS_URL)`;
  const probe = `
    const Redis = require(process.argv[1]);
    const redis = new Redis(process.argv[2], { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.connect().then(() => redis.ping()).then(() => { redis.disconnect(); process.exit(0); }, (error) => { process.stderr.write(error.code || error.message); process.exit(1); });`;
  const result = spawnSync(process.execPath, ['-e', probe, require.resolve('ioredis'), url], { encoding: 'utf8', timeout: 5000 });
  if (result.status === 0) return AVAILABLE;
  return `${hint}: ${result.error?.message ?? (result.stderr.trim() || `probe exited with ${result.status}`)}`;
}
