// What an app that only verifies (an offline checker, a script over an export) imports from auditlens/core.
export { KeyRing, parseAuditJson, parseKeysDocument, verifyEvent, verifyEvents } from '../../../dist/core/index.js'
