import '@testing-library/jest-dom/vitest'
import { cleanup } from '@testing-library/react'
import { afterEach } from 'vitest'

afterEach(() => {
  cleanup()
  // The integrity panel remembers each org's log in localStorage, as a browser does across
  // visits; each test is a new browser, so what one test's log looked like never alarms another.
  localStorage.clear()
})
