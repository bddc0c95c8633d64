// The same flow on MariaDB: what SQLite's one serialised connection hides (races, types, collations) shows here.
import { describeIfAvailable, mariadbAvailability } from '../support/services';
import { MARIADB } from '../support/mariadb';
import { sandboxFlowSuite } from './sandboxFlowSuite';

describeIfAvailable(mariadbAvailability(MARIADB), 'the sandbox flow on MariaDB', () => sandboxFlowSuite('mariadb'));
