// Builds the workstation to static files in dist/ (index.html + hashed assets),
// served by `arrears serve --static web/dist`. Absolute asset paths: the server answers
// unknown non-API paths with index.html, and the assets must load from there too.
import { defineConfig } from 'vite';

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
const target = env?.ARREARS_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    assetsInlineLimit: 0,
  },
  server: {
    // `npm run dev` proxies the API to a locally running `arrears serve`.
    proxy: { '/api': target, '/healthz': target },
  },
});
