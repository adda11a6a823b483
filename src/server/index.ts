/**
 * `auditlens/server`: Node-only pieces (the CLI today; the token proxy and the reference
 * ledger as they arrive). Imports core, never React.
 */
export { main as runCli } from './cli-main.js'
export type { CliIo } from './cli-io.js'
