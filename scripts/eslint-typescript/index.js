// typescript-eslint, installed here beside its own TypeScript 5.9 (see package.json).
export { default } from 'typescript-eslint'
