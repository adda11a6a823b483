import type { Decorator, Preview } from '@storybook/react-vite'
import { mswLoader } from 'msw-storybook-addon/csf3'
import { AuditLogProvider } from '../src/react/index.js'
import '../src/react/styles.css'

/** Every story gets a provider talking to the msw proxy, in the chosen theme. */
const withProvider: Decorator = (Story, context) => (
  <div
    data-theme={context.globals.theme ?? 'light'}
    style={{ padding: 16, background: context.globals.theme === 'dark' ? '#0d1117' : '#fff' }}
  >
    <AuditLogProvider baseUrl="/api/audit" key={context.id}>
      <Story />
    </AuditLogProvider>
  </div>
)

const preview: Preview = {
  loaders: [mswLoader()],
  decorators: [withProvider],
  globalTypes: {
    theme: {
      description: 'Colour theme',
      toolbar: { title: 'Theme', items: ['light', 'dark'], dynamicTitle: true },
    },
  },
  initialGlobals: { theme: 'light' },
  parameters: { layout: 'fullscreen' },
}

export default preview
