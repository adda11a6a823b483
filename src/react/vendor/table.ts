/**
 * TanStack Table, as the grid uses it (rows are windowed by `use-fixed-rows.ts`). `npm run build` replaces this module's
 * output with an esbuild bundle of the libraries (React left external), so installing
 * `auditlens` pulls in no React libraries: npm 7+ installs the peer dependencies of
 * dependencies, and these libraries' peer `react` would land in server-only projects.
 */
export {
  columnVisibilityFeature,
  constructRow,
  createColumnHelper,
  FlexRender,
  tableFeatures,
  useTable,
} from '@tanstack/react-table'
export type { Row } from '@tanstack/react-table'
