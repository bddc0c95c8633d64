import { sandboxFlowSuite } from './sandboxFlowSuite';

sandboxFlowSuite('sqlite');
