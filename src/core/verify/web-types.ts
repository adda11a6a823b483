/**
 * Web platform types, looked up on the consumer's own `globalThis` when their declarations are
 * read: the DOM lib's (or @types/node's) where it is loaded. The published declarations then
 * type-check in a server project without the DOM lib, where a plain `Worker` or `SubtleCrypto`
 * would be an unknown name (and a server cannot start a Web Worker anyway).
 */

/** The DOM's `Worker`; `never` where the DOM lib is not loaded. */
export type WebWorker = typeof globalThis extends { Worker: { prototype: infer W } } ? W : never

/** `crypto.subtle`'s type (the DOM's, or Node's webcrypto); `never` where neither is loaded. */
export type WebSubtleCrypto = typeof globalThis extends { crypto: { subtle: infer S } } ? S : never
