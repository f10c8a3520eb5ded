import { build } from '/work/main/node_modules/esbuild/lib/main.js';
import { esbuildOptions } from '/work/main/infra/bundling.ts';
const r = await build({ ...esbuildOptions, entryPoints: ['/work/main/functions/emails/email-worker.handler.ts'], outfile: '/tmp/x/ew.mjs', metafile: true, absWorkingDir: '/work/main' });
const out = Object.values(r.metafile.outputs)[0];
const byPkg = new Map<string, number>();
for (const [input, v] of Object.entries(out.inputs)) {
  const at = input.lastIndexOf('node_modules/');
  let key = '(project)';
  if (at >= 0) { const parts = input.slice(at + 13).split('/'); key = parts[0].startsWith('@') ? parts[0]+'/'+parts[1] : parts[0]; if (key==='@aws-sdk'||key==='@smithy') key += '/'+ (parts[0].startsWith('@')?parts[1]:''); }
  byPkg.set(key, (byPkg.get(key) ?? 0) + v.bytesInOutput);
}
console.log(out.bytes);
console.log([...byPkg].sort((a,b)=>b[1]-a[1]).slice(0,40).map(([k,v])=>`${k} ${v}`).join('\n'));
console.log('---');
console.log(Object.entries(out.inputs).filter(([k])=>/libmime|luxon|entities|he\//.test(k)).sort((a,b)=>b[1].bytesInOutput-a[1].bytesInOutput).slice(0,15).map(([k,v])=>`${k} ${v.bytesInOutput}`).join('\n'));
console.log('=== importers');
for (const [input, v] of Object.entries(r.metafile.inputs)) for (const imp of v.imports) if (/node_modules\/entities\/lib|tlds|linkify|node_modules\/luxon/.test(imp.path)) console.log(input, '->', imp.path);
