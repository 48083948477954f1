import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Plugin, ResolvedConfig } from 'vite';

/**
 * A Vite build plugin that emits `sw.js`: the service worker of src/offline with the list
 * of every file the built site serves (bundle + public/), so that one visit is enough for
 * the lab to work offline. Development (vite serve) gets no service worker.
 */
export function offlineCache(): Plugin {
  let config: ResolvedConfig;
  return {
    name: 'iomt-offline-cache',
    apply: 'build',
    configResolved(resolved) {
      config = resolved;
    },
    generateBundle(_options, bundle) {
      const files = [...Object.keys(bundle), ...publicFiles(config.publicDir)].filter((f) => f !== 'sw.js').sort();
      const precache = ['./', './index.html', ...files.filter((f) => f !== 'index.html').map((f) => `./${f}`)];
      const version = createHash('sha256')
        .update(precache.join('\n'))
        .update(JSON.stringify(Object.values(bundle).map((b) => ('code' in b ? b.code.length : 0))))
        .digest('hex')
        .slice(0, 12);
      const source = readFileSync(new URL('./src/offline/service-worker.js', import.meta.url), 'utf8')
        .replace('self.__VERSION__', JSON.stringify(version))
        .replace('self.__PRECACHE__', JSON.stringify(precache));
      this.emitFile({ type: 'asset', fileName: 'sw.js', source });
    },
  };
}

function publicFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const name of names) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (!name.startsWith('.')) out.push(relative(dir, p).split('\\').join('/'));
    }
  };
  if (dir) walk(dir);
  return out;
}
