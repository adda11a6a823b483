// What a host that builds its own view imports from auditlens/core: the client and the log model.
export { createAuditClient, createLogModel } from '../../../dist/core/index.js'
