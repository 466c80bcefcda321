const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text made safe to put into HTML. Leaflet tooltips and popups and ECharts formatter functions take HTML
 * strings, so every untrusted text (a unit's name, a person's words) goes through this on its way there;
 * `server/src/test/web-html.test.ts` fails when one does not.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}
