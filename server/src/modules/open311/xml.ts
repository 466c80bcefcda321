/**
 * GeoReport's XML: schemaless, no namespace, one element per field. A list is an element named
 * for the list holding one element per item, named as the spec names them (services → service).
 * The JSON of every method is the same tree without the wrappers (the spec's "Spark convention").
 */
const ITEM_NAMES: Record<string, string> = {
  services: 'service',
  service_requests: 'request',
  service_request_updates: 'request_update',
  errors: 'error',
  attributes: 'attribute',
  values: 'value',
  endpoints: 'endpoint',
  formats: 'format',
};

// Characters XML 1.0 cannot carry at all, not even escaped (C0 controls other than tab and newlines).
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

function escapeText(text: string): string {
  return text
    .replace(NOT_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function element(name: string, value: unknown, indent: string): string {
  if (value === null || value === undefined) return `${indent}<${name}/>`;
  if (Array.isArray(value)) {
    const item = ITEM_NAMES[name];
    if (item === undefined) throw new Error(`open311 xml: no item name for list <${name}>`);
    if (value.length === 0) return `${indent}<${name}/>`;
    const children = value.map((v) => element(item, v, `${indent}  `));
    return `${indent}<${name}>\n${children.join('\n')}\n${indent}</${name}>`;
  }
  if (typeof value === 'object') {
    const children = Object.entries(value).map(([k, v]) => element(k, v, `${indent}  `));
    return children.length === 0
      ? `${indent}<${name}/>`
      : `${indent}<${name}>\n${children.join('\n')}\n${indent}</${name}>`;
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return `${indent}<${name}>${escapeText(String(value))}</${name}>`;
  }
  throw new Error(`open311 xml: cannot render a ${typeof value} in <${name}>`);
}

/** One GeoReport XML document: the declaration the spec requires, then `root` holding `value`. */
export function renderXml(root: string, value: unknown): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${element(root, value, '')}\n`;
}
