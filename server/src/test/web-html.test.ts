import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Untrusted text is text everywhere in the web app. React escapes what it renders; the places that take
 * HTML strings do not: Leaflet tooltips, popups and divIcons, ECharts tooltip formatter functions, and
 * the DOM's own HTML setters. This scans web/src and fails when one of them is handed anything but a
 * fixed string or text passed through the one helper, `escapeHtml` (web/src/shared/escape-html.ts).
 */

const WEB_SRC = path.resolve(import.meta.dirname, '../../../web/src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'e2e' || entry.name === 'api' ? [] : sourceFiles(full);
    return /\.(ts|tsx)$/.test(entry.name) ? [full] : [];
  });
}

/** The text from `open` (an opening bracket) to its matching close, strings and templates skipped. */
function balanced(text: string, open: number): string {
  const pairs: Record<string, string> = { '(': ')', '{': '}', '[': ']' };
  const stack: string[] = [];
  for (let i = open; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'" || c === '"' || c === '`') {
      for (i++; i < text.length && text[i] !== c; i++) if (text[i] === '\\') i++;
      continue;
    }
    if (pairs[c] !== undefined) stack.push(pairs[c]);
    else if (c === stack[stack.length - 1]) {
      stack.pop();
      if (stack.length === 0) return text.slice(open, i + 1);
    }
  }
  return text.slice(open);
}

const FIXED_STRING = /^\s*(?:'[^'\\]*'|"[^"\\]*"|`[^`$\\]*`)\s*(?:[,)}]|$)/;
const SAFE_START = /^\s*(?:escapeHtml\(|document\.createTextNode\()/;
const isSafeHtmlArgument = (arg: string) => FIXED_STRING.test(arg) || SAFE_START.test(arg);

const lineOf = (text: string, index: number) => text.slice(0, index).split('\n').length;

/** Every place in one file's text where HTML is built from something that is not known to be safe. */
function findHtmlSinks(text: string): { line: number; what: string }[] {
  const problems: { line: number; what: string }[] = [];
  // Leaflet: the content argument of tooltips and popups is HTML when it is a string
  for (const m of text.matchAll(/\.(bindTooltip|bindPopup|setTooltipContent|setPopupContent|setContent)\(/g)) {
    const arg = balanced(text, m.index + m[0].length - 1).slice(1);
    if (!isSafeHtmlArgument(arg)) problems.push({ line: lineOf(text, m.index), what: `${m[1]} with unescaped text` });
  }
  // Leaflet divIcon({ html }) and ECharts tooltip formatters that are functions
  for (const m of text.matchAll(/\bhtml\s*:/g)) {
    const value = text.slice(m.index + m[0].length);
    if (!isSafeHtmlArgument(value)) problems.push({ line: lineOf(text, m.index), what: 'html: with unescaped text' });
  }
  for (const m of text.matchAll(/\btooltip\s*:\s*\{/g)) {
    const block = balanced(text, m.index + m[0].length - 1);
    const formatter = /\bformatter\s*:/.exec(block);
    if (formatter === null) continue;
    const value = block.slice(formatter.index + formatter[0].length);
    if (!FIXED_STRING.test(value) && !block.includes('escapeHtml(')) {
      problems.push({
        line: lineOf(text, m.index),
        what: 'ECharts tooltip formatter building HTML without escapeHtml',
      });
    }
  }
  for (const m of text.matchAll(
    /\b(innerHTML|outerHTML|insertAdjacentHTML|dangerouslySetInnerHTML|document\.write)\b/g,
  )) {
    problems.push({ line: lineOf(text, m.index), what: `${m[1]} (render text through React or escapeHtml)` });
  }
  return problems;
}

describe('untrusted text is text in every HTML-taking API of the web app', () => {
  it('finds no Leaflet tooltip, popup, divIcon, ECharts formatter or HTML setter fed unescaped text', () => {
    const files = sourceFiles(WEB_SRC);
    expect(files.length).toBeGreaterThan(50);
    const problems = files.flatMap((file) =>
      findHtmlSinks(fs.readFileSync(file, 'utf8')).map((p) => `${path.relative(WEB_SRC, file)}:${p.line} ${p.what}`),
    );
    expect(problems).toEqual([]);
  });

  it('would catch the org name put into a map tooltip as HTML, and the other shapes of the same mistake', () => {
    const unsafe = [
      `featureLayer.bindTooltip(p.name, { permanent: true });`,
      'layer.bindPopup(`<b>${org.name}</b>`);',
      `L.divIcon({ className: '', html: '<span>' + name + '</span>' });`,
      `const option = { tooltip: { trigger: 'item', formatter: (p) => p.name + '<br>' + p.value } };`,
      `el.innerHTML = name;`,
    ];
    for (const snippet of unsafe) expect(findHtmlSinks(snippet), snippet).toHaveLength(1);
    const safe = [
      `featureLayer.bindTooltip(escapeHtml(p.name), { permanent: true });`,
      `L.divIcon({ className: '', html: '<div class="tz-pin"></div>', iconSize: [22, 22] });`,
      `const option = { tooltip: { trigger: 'item', formatter: '{b}: {c}' } };`,
      `const option = { tooltip: { formatter: (p) => escapeHtml(p.name) + '<br>' + p.value } };`,
      `const option = { xAxis: { axisLabel: { formatter: (v) => String(v) } } };`,
    ];
    for (const snippet of safe) expect(findHtmlSinks(snippet), snippet).toEqual([]);
  });
});
