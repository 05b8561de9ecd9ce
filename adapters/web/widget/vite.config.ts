/**
 * Builds the chat widget into one self-contained script (IIFE, CSS inlined as a string for its
 * Shadow DOM), so a site embeds it with a single <script> tag.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  publicDir: false,
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    target: 'es2019',
    minify: true,
    sourcemap: false,
    lib: { entry: join(here, 'src/main.tsx'), formats: ['iife'], name: 'FrontdeskWidget', fileName: () => 'widget.js' },
  },
});
