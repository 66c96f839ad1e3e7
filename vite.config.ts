// The deck's Vite config; Slidev merges it into its own. Do not add the Vue or UnoCSS plugins
// here: Slidev already has them.
import { defineConfig } from 'vite'

export default defineConfig({
  build: {
    // Vite 8 minifies CSS with lightningcss, which rejects a pseudo-element rule in Slidev 52's own
    // styles ("Invalid token in pseudo element") and stops `slidev build`; esbuild accepts it.
    cssMinify: 'esbuild',
  },
})
