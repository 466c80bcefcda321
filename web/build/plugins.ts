import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Plugin } from 'vite';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** Text files worth compressing; images and fonts are compressed already. */
const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|webmanifest|txt|map)$/;
/** Below this a compressed copy saves less than a packet. */
const MIN_BYTES = 1024;

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

/**
 * Writes a brotli (.br, quality 11) and a gzip (.gz, level 9) copy beside every text file of the build,
 * once, at build time: the server sends the copy the browser accepts (server/src/app.ts), and no
 * request pays for compressing.
 */
export function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'tianzige-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    async closeBundle() {
      const files = filesUnder(outDir).filter((f) => COMPRESSIBLE.test(f) && fs.statSync(f).size >= MIN_BYTES);
      await Promise.all(
        files.map(async (file) => {
          const body = await fs.promises.readFile(file);
          const [br, gz] = await Promise.all([
            brotli(body, {
              params: {
                [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
                [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length,
              },
            }),
            gzip(body, { level: 9 }),
          ]);
          await Promise.all([fs.promises.writeFile(`${file}.br`, br), fs.promises.writeFile(`${file}.gz`, gz)]);
        }),
      );
    },
  };
}

/**
 * Writes field-assets.json: every file the field app (/m/field) needs to start with no network — the
 * phone page's own scripts and styles and the field chunk with everything it imports. The field app's
 * service worker (public/sw.js) saves them when it installs, since the field chunk is fetched before
 * the worker runs and so is not in its cache.
 */
export function fieldAssets({ entry, part }: { entry: string; part: RegExp }): Plugin {
  return {
    name: 'tianzige-field-assets',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = Object.values(bundle).flatMap((c) => (c.type === 'chunk' ? [c] : []));
      const byFile = new Map(chunks.map((c) => [c.fileName, c]));
      const start = chunks.find((c) => c.isEntry && c.name === entry);
      if (start === undefined) throw new Error(`fieldAssets: no entry named ${entry}`);
      const wanted = new Set<string>();
      const visit = (fileName: string) => {
        const chunk = byFile.get(fileName);
        if (chunk === undefined || wanted.has(fileName)) return;
        wanted.add(fileName);
        for (const css of chunk.viteMetadata?.importedCss ?? []) wanted.add(css);
        for (const asset of chunk.viteMetadata?.importedAssets ?? []) wanted.add(asset);
        chunk.imports.forEach(visit);
      };
      visit(start.fileName);
      const parts = chunks.filter((c) => c.facadeModuleId !== null && part.test(c.facadeModuleId));
      if (parts.length === 0) throw new Error(`fieldAssets: no chunk for ${String(part)}`);
      for (const c of parts) visit(c.fileName);
      this.emitFile({
        type: 'asset',
        fileName: 'field-assets.json',
        source: JSON.stringify([...wanted].sort().map((f) => `/${f}`)),
      });
    },
  };
}
