// The same flow in the production shape: MariaDB and bull on Redis.
import { MARIADB } from '../support/mariadb';
import { TEST_REDIS_URL } from '../support/redis';
import { AVAILABLE, describeIfAvailable, mariadbAvailability, redisAvailability } from '../support/services';
import { sandboxFlowSuite } from './sandboxFlowSuite';

const mariadb = mariadbAvailability(MARIADB);
describeIfAvailable(mariadb === AVAILABLE ? redisAvailability(TEST_REDIS_URL) : mariadb, 'the sandbox flow on MariaDB and bull', () =>
  sandboxFlowSuite('mariadb+bull'),
);
