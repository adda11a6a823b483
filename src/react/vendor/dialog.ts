/**
 * Radix Dialog, bundled by `npm run build` like ./table.ts (React left external), in its own
 * file so that it stays in the lazily loaded detail dialog's chunk.
 */
export { Close, Content, Overlay, Portal, Root, Title } from '@radix-ui/react-dialog'
