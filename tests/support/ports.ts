// One implementation for the dev script and the tests.
export { freePort, canConnect, waitFor } from '../../scripts/lib/ports.js';
