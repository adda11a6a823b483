'use client'
/**
 * `auditlens`: the React components. Import the stylesheet once: `import 'auditlens/styles.css'`.
 */
export { AuditLogProvider, useAuditLogContext } from './context.js'
export type { AuditLogProviderProps, AuditLogContextValue } from './context.js'
export { AuditLog } from './audit-log.js'
export type { AuditLogProps } from './audit-log.js'
export type { AuditLogColumn, ColumnVisibility } from './event-columns.js'
export { VerifyBadge, VerifyBadgeView } from './verify-badge.js'
export type { VerifyBadgeProps, VerifyBadgeViewProps } from './verify-badge.js'
export { ExportButton } from './export-button.js'
export type { ExportButtonProps } from './export-button.js'
export { EventText, displayString } from './event-text.js'
export type { EventTextProps } from './event-text.js'
export { defaultMessages } from './messages.js'
export type { AuditLogMessages, BadgeStatus, DeepPartial } from './messages.js'
export type { AuditFilters, AuditLogInitialData } from '../core/index.js'
