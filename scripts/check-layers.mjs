// Fails when an import in src/ goes the wrong way between layers (see design.md).
// Allowed: each layer imports itself and the layers listed after it in `allowed`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

const allowed = {
  domain: ['domain'],
  store: ['store', 'domain'],
  services: ['services', 'store', 'domain'],
  protocols: ['protocols', 'services', 'domain'],
  server: ['server', 'protocols', 'services', 'store', 'domain'],
  client: ['client', 'domain'],
  cli: ['cli', 'client', 'server', 'protocols', 'services', 'store', 'domain'],
};

function files(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files(path, out);
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

const root = resolve('src');
const layerOf = (absPath) => relative(root, absPath).split(/[\\/]/)[0];
const importRe = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
const problems = [];
for (const file of files(root)) {
  const layer = layerOf(resolve(file));
  const ok = allowed[layer];
  if (!ok) { problems.push(`${file}: folder '${layer}' is not a known layer`); continue; }
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(importRe)) {
    const spec = m[1] ?? m[2];
    if (!spec.startsWith('.')) {
      if (layer === 'domain' && /^(node:)?(fs|net|http|https|child_process|dgram|dns|tls)$/.test(spec)) {
        problems.push(`${file}: domain/ must not do I/O (imports ${spec})`);
      }
      continue;
    }
    const target = layerOf(resolve(dirname(file), spec));
    if (!ok.includes(target)) problems.push(`${file}: layer '${layer}' may not import '${target}' (${spec})`);
  }
}
if (problems.length) {
  console.error('Layer check failed:\n' + problems.join('\n'));
  process.exit(1);
}
console.log('layer check: every import goes the right way');
