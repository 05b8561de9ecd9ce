/**
 * Stands in for vite in the Workers bundle (wrangler.toml [alias]). src/console/assets.ts builds a
 * missing front-end bundle with vite at first use on Node; on Workers the bundles are static
 * assets built beforehand (`npm run build:worker`), so nothing may build at run time.
 */
export function build(): never {
  throw new Error('Front-end bundles are not built on Workers: run `npm run build:worker` before `wrangler dev` or deploy.');
}
