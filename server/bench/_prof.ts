import { setup } from './cases.ts';
import { apiIntakeBody, open311Body } from './intake.ts';
const ctx = await setup((process.env.ENGINE ?? 'sqlite') as 'sqlite');
const staff = await ctx.signIn('staff');
const key = (await ctx.app.inject({ method: 'POST', url: '/api/v1/apikeys', headers: staff, payload: { name: 'p' } })).json<{ key: string }>().key;
const mode = process.env.MODE ?? 'api';
const one = () =>
  mode === 'api'
    ? ctx.app.inject({ method: 'POST', url: '/api/v1/cases', headers: { ...staff, 'content-type': 'application/json' }, payload: apiIntakeBody })
    : ctx.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: open311Body(key) });
async function runN(n: number) {
  let i = 0; let bad = 0;
  const t = Date.now();
  await Promise.all(Array.from({ length: 20 }, async () => { while (i++ < n) { const r = await one(); if (r.statusCode >= 300) { bad++; if (bad < 3) console.log(r.statusCode, r.body.slice(0, 300)); } } }));
  return { perSec: (n / (Date.now() - t)) * 1000, bad };
}
await runN(300);
const stats = new Map<string, { n: number; ms: number }>();
if (process.env.TIME_SQL) {
  const proto = Object.getPrototypeOf(ctx.deps.database.sqlite!.prepare('select 1'));
  for (const m of ['all', 'run', 'get']) {
    const orig = proto[m];
    proto[m] = function (this: { source: string }, ...a: unknown[]) {
      const t = process.hrtime.bigint();
      try { return orig.apply(this, a); } finally {
        const s = stats.get(this.source) ?? { n: 0, ms: 0 }; s.n++; s.ms += Number(process.hrtime.bigint() - t) / 1e6; stats.set(this.source, s);
      }
    };
  }
}
import { Session } from 'node:inspector/promises';
import fs from 'node:fs';
const session = new Session(); session.connect();
if (process.env.PROF) { await session.post('Profiler.enable'); await session.post('Profiler.start'); }
console.log(mode, await runN(Number(process.env.N ?? 3000)));
if (process.env.PROF) { const { profile } = await session.post('Profiler.stop'); fs.writeFileSync('/tmp/h18prof/run.cpuprofile', JSON.stringify(profile)); }
for (const [src, st] of [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) console.log(st.ms.toFixed(0).padStart(6), String(st.n).padStart(6), src.slice(0, 220).replace(/\s+/g, ' '));
await ctx.app.close(); await ctx.fresh.drop(); process.exit(0);
