// Stylesheets are imported for their side effect (Vite injects them in browser tests).
declare module '*.css'
