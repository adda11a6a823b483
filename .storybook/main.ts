import type { StorybookConfig } from '@storybook/react-vite'

const config: StorybookConfig = {
  framework: '@storybook/react-vite',
  stories: ['../stories/**/*.stories.tsx'],
  addons: ['@storybook/addon-vitest', 'msw-storybook-addon'],
  // mockServiceWorker.js lives here (npx msw init .storybook/public).
  staticDirs: ['./public'],
  core: { disableTelemetry: true },
  // TypeScript 7 has no JS API, so the TypeScript-based docgen cannot run.
  typescript: { reactDocgen: 'react-docgen' },
}

export default config
