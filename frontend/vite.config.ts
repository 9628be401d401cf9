import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

// In development the API runs on :8000 (`make serve`); the dev server proxies to it so
// the app always talks to its own origin, exactly as when the backend serves the build.
const backend = process.env.DISTRETTO_BACKEND ?? 'http://127.0.0.1:8000'

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      '/api/v1/ws': { target: backend.replace(/^http/, 'ws'), ws: true },
      '/api': backend,
    },
  },
  build: {
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 800,
  },
})
