import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The web app is three apps on one foundation (ARCHITECTURE.md, "Web"): the desktop console
 * (web/src/console), the phone app (web/src/mobile) and the public pages (web/src/public) each build
 * on web/src/shared and the API client (web/src/api), and none reaches into another, so each can change
 * without breaking the others. The foundation reaches into none. This reads every import in web/src and fails on one that
 * crosses those lines.
 */

const WEB_SRC = path.resolve(import.meta.dirname, '../../../web/src');

/** The folders that may not import from each app: the other app, and everything they both build on. */
const MAY_NOT_IMPORT: Record<string, readonly string[]> = {
  console: ['mobile', 'public'],
  mobile: ['console', 'public'],
  public: ['console', 'mobile'],
  shared: ['console', 'mobile', 'public'],
  api: ['console', 'mobile', 'public'],
};

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(entry.name) ? [full] : [];
  });
}

/** Every module a file's text names: static imports and re-exports, side-effect imports, import(). */
function importedSpecifiers(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/\b(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g)) found.push(m[1]!);
  for (const m of text.matchAll(/\bimport\s*['"]([^'"]+)['"]/g)) found.push(m[1]!);
  for (const m of text.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1]!);
  return found;
}

/** The top folder of web/src a relative import from `file` lands in; undefined for packages and outside web/src. */
function topFolderOf(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const target = path.relative(WEB_SRC, path.resolve(path.dirname(file), specifier));
  if (target.startsWith('..')) return undefined;
  return target.split(path.sep)[0];
}

/** Each import in one file (at `file`, with this text) that crosses a line. */
function crossings(file: string, text: string): string[] {
  const from = path.relative(WEB_SRC, file).split(path.sep)[0]!;
  const forbidden = MAY_NOT_IMPORT[from] ?? [];
  return importedSpecifiers(text)
    .filter((specifier) => forbidden.includes(topFolderOf(file, specifier) ?? ''))
    .map((specifier) => `${path.relative(WEB_SRC, file)} imports ${specifier}`);
}

describe('the console, the phone app and the public pages share a foundation and nothing else', () => {
  it('finds no import from one app into another, nor from shared or api into any', () => {
    const files = sourceFiles(WEB_SRC);
    expect(files.filter((f) => f.includes(`${path.sep}mobile${path.sep}`)).length).toBeGreaterThan(20);
    expect(files.filter((f) => f.includes(`${path.sep}shared${path.sep}`)).length).toBeGreaterThan(10);
    const problems = files.flatMap((file) => crossings(file, fs.readFileSync(file, 'utf8')));
    expect(problems).toEqual([]);
  });

  it('would catch each shape of a crossing import, and lets the allowed ones through', () => {
    const at = (folder: string) => path.join(WEB_SRC, folder, 'x', 'Page.tsx');
    const crossing: [string, string][] = [
      [at('mobile'), `import { useAuth } from '../../console/app/auth';`],
      [at('mobile'), `import type { MessageKey } from '../../console/app/messages';`],
      [at('mobile'), `export { SECTIONS } from '../../console/app/Shell';`],
      [at('console'), `const Page = lazy(() => import('../../mobile/cases/routes'));`],
      [at('console'), `import '../../mobile/mobile.css';`],
      [at('console'), `import {\n  PhoneRoutes,\n  FieldGate,\n} from "../../mobile/routes";`],
      [path.join(WEB_SRC, 'shared', 'i18n.tsx'), `import { messages } from '../console/app/messages';`],
      [at('public'), `import { StatusTag } from '../../mobile/cases/StatusTag';`],
      [at('mobile'), `import { PublicMap } from '../../public/PublicMap';`],
    ];
    for (const [file, text] of crossing) expect(crossings(file, text), text).toHaveLength(1);
    const allowed: [string, string][] = [
      [at('mobile'), `import { useAuth } from '../../shared/auth';`],
      [at('console'), `import { api } from '../../api/client';`],
      [at('console'), `import { Button } from 'antd';`],
      [at('mobile'), `import { OPEN_STATUSES } from '../../../../server/src/modules/cases/states.ts';`],
      [
        path.join(WEB_SRC, 'e2e', 'cases.e2e.ts'),
        `import { checkCharacter } from '../console/features/registry/idNumber';`,
      ],
    ];
    for (const [file, text] of allowed) expect(crossings(file, text), text).toEqual([]);
  });
});
