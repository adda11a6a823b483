import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app.js'
import '../../../src/react/styles.css'
import './app.css'

if (new URLSearchParams(location.search).has('bench')) {
  void import('./bench-hooks.js').then((hooks) => Object.assign(window, { auditlensBench: hooks }))
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
