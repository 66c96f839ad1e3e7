// The deck's Vite config; Slidev merges it into its own. Do not add the Vue or UnoCSS plugins
// here: Slidev already has them.
import { defineConfig } from 'vite'
import { liveBench } from './bench/live/plugin.ts'

export default defineConfig({
  // Live benchmarks from presenter mode (bench/live/plugin.ts): `slidev` (dev) only; the bench
  // library is loaded when the dev server starts, not here.
  plugins: [liveBench()],
  // The charts' library, bundled for the browser when the server starts rather than when a slide
  // first needs it (which would reload every open window mid-talk).
  optimizeDeps: { include: ['uplot'] },
})
