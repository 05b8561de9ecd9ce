/**
 * Serves the built widget (/widget.js) and the demo store page that embeds it (/). The bundle is
 * built on first request when missing or stale (src/console/assets.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import { packagePath } from '../../../config/package-root.ts';
import { ensureBuilt, gzippedSize, serveFile, WIDGET_BUNDLE } from '../../../src/console/assets.ts';
import { FrontdeskError } from '../../../src/core/errors.ts';
import type { Logger } from '../../../src/core/ports.ts';

const DEMO_PAGE = packagePath('adapters', 'web', 'widget', 'demo.html');

export function createWidgetRoutes(deps: { logger: Logger }) {
  const app = new Hono();
  let reported = false;

  app.get('/widget.js', async (c) => {
    const outDir = await ensureBuilt(WIDGET_BUNDLE, (line) => deps.logger.info(line));
    if (!reported) {
      reported = true;
      deps.logger.info({ gzippedBytes: gzippedSize(join(outDir, 'widget.js')) }, 'web widget bundle size');
    }
    const response = serveFile(c, outDir, 'widget.js');
    if (!response) throw new FrontdeskError('asset_missing', 'The widget bundle was not built.', 500);
    // Any site may load the script; what it may call is governed by CORS on the /v1 visitor routes.
    response.headers.set('access-control-allow-origin', '*');
    return response;
  });

  app.get('/', (c) => c.html(readFileSync(DEMO_PAGE, 'utf8')));
  return app;
}
