// A static file server for the demo/test site with the MIME types the
// WebAssembly streaming APIs insist on (application/wasm).
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.css': 'text/css',
  '.png': 'image/png',
};

/**
 * Read-only access to a few real npm packages of the repo's node_modules, for
 * the pages in e2e/site/npm: `/node_modules/<pkg>/...`, nothing else of it.
 */
const NODE_MODULES = resolve('node_modules');
const PACKAGES = ['sql.js', '@sqlite.org/sqlite-wasm', 'brotli-wasm', 'wasm-vips', '@ffmpeg/ffmpeg', '@ffmpeg/core'];
/** Paths served cross-origin isolated: the pages under /threads/, and wasm-vips, whose glue those pages start as their pthread workers. */
const ISOLATED = ['/threads/', '/node_modules/wasm-vips/'];

/** The file a URL path names, or null when it is outside what may be served. */
function locate(base, pathname) {
  const within = (dir, rel) => {
    const path = normalize(join(dir, rel));
    return path === dir || path.startsWith(dir + sep) ? path : null;
  };
  if (pathname.startsWith('/node_modules/')) {
    const rest = pathname.slice('/node_modules/'.length);
    const pkg = PACKAGES.find((p) => rest.startsWith(p + '/'));
    if (!pkg) return null;
    return within(join(NODE_MODULES, pkg), rest.slice(pkg.length + 1));
  }
  return within(base, pathname);
}

export function serve(root, port = 0) {
  const base = resolve(root);
  const server = createServer(async (req, res) => {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new Error('read-only');
      const url = new URL(req.url ?? '/', 'http://localhost');
      let path = locate(base, decodeURIComponent(url.pathname));
      if (!path) throw new Error('outside root');
      if ((await stat(path)).isDirectory()) path = join(path, 'index.html');
      const body = await readFile(path);
      const headers = { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', 'cache-control': 'no-store' };
      // Pages under /threads/ are cross-origin isolated: SharedArrayBuffer and
      // wasm threads (emscripten -pthread) need it; their workers' scripts get the
      // same headers (a dedicated worker of an isolated page must be isolated too).
      if (ISOLATED.some((prefix) => url.pathname.startsWith(prefix)))
        Object.assign(headers, { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
      res.writeHead(200, headers);
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  return new Promise((ok) => server.listen(port, '127.0.0.1', () => ok(server)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = process.argv[2] ?? 'e2e/site';
  const port = Number(process.argv[3] ?? 8080);
  const server = await serve(root, port);
  console.log(`serving ${root} at http://127.0.0.1:${server.address().port}/`);
}
