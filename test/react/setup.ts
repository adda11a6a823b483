import '@testing-library/jest-dom/vitest'
import { cleanup } from '@testing-library/react'
import { afterEach } from 'vitest'

afterEach(() => {
  cleanup()
  // The integrity panel remembers each org's log in localStorage, as a browser does across
  // visits; each test is a new browser, so what one test's log looked like never alarms another.
  localStorage.clear()
})

// jsdom has no layout, so a virtualized body would measure 0 px and render no rows. Give the
// log's scroll box a fixed size here; real layout is tested in Chromium (*.browser.test.tsx).
const BODY = 'al-grid__body'
const isBody = (element: Element) => element.classList?.contains(BODY)
for (const [name, size] of [
  ['clientHeight', 600],
  ['offsetHeight', 600],
  ['clientWidth', 1000],
  ['offsetWidth', 1000],
] as const) {
  const original = Object.getOwnPropertyDescriptor(HTMLElement.prototype, name)
  Object.defineProperty(HTMLElement.prototype, name, {
    configurable: true,
    get(this: HTMLElement) {
      return isBody(this) ? size : (original?.get?.call(this) ?? 0)
    },
  })
}
const originalRect = Element.prototype.getBoundingClientRect
Element.prototype.getBoundingClientRect = function (this: Element) {
  return isBody(this) ? DOMRect.fromRect({ x: 0, y: 0, width: 1000, height: 600 }) : originalRect.call(this)
}
