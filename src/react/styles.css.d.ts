/**
 * `import 'auditlens/styles.css'` is a side-effect import of the stylesheet; this declaration
 * lets TypeScript resolve it (TypeScript 6+ checks side-effect imports by default) without a
 * bundler's `*.css` module declaration.
 */
export {}
