/**
 * Generates src/schema/kube/protobuf.gen.ts: the protobuf field numbers and types of the
 * Kubernetes API messages, so that the local cluster can read the protobuf request bodies
 * kubectl's typed commands send (`kubectl create namespace`, `run`, `expose`, `auth can-i`).
 * Run by hand:
 *
 *   node --import tsx scripts/gen-kube-protobuf.ts [path/to/kubectl.1.33]
 *
 * Field numbers are wire-format facts. They are read from the file descriptors that Go's
 * protobuf registration embeds (gzipped) in the kubectl 1.33 binary on this machine; only the
 * group-versions the cluster serves are kept.
 */
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, constants } from 'node:zlib';
import { KUBE_RESOURCES } from '../src/schema/kube/resources.gen.js';

type Field = [number, string, number, number, string?];

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  varint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return result;
      shift += 7;
    }
  }
  bytes(): Buffer {
    const n = this.varint();
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw new Error(`wire type ${wire}`);
  }
  *fields(): Generator<[number, number]> {
    while (this.pos < this.buf.length) {
      const tag = this.varint();
      yield [tag >>> 3, tag & 7];
    }
  }
}

interface Message {
  name: string;
  fields: Field[];
  mapEntry: boolean;
  nested: Message[];
}

function parseField(buf: Buffer): Field {
  const r = new Reader(buf);
  let name = '';
  let number = 0;
  let label = 1;
  let type = 0;
  let typeName: string | undefined;
  for (const [f, w] of r.fields()) {
    if (f === 1 && w === 2) name = r.bytes().toString();
    else if (f === 3 && w === 0) number = r.varint();
    else if (f === 4 && w === 0) label = r.varint();
    else if (f === 5 && w === 0) type = r.varint();
    else if (f === 6 && w === 2) typeName = r.bytes().toString().replace(/^\./, '');
    else r.skip(w);
  }
  return typeName ? [number, name, type, label, typeName] : [number, name, type, label];
}

function parseMessage(buf: Buffer): Message {
  const r = new Reader(buf);
  const m: Message = { name: '', fields: [], mapEntry: false, nested: [] };
  for (const [f, w] of r.fields()) {
    if (f === 1 && w === 2) m.name = r.bytes().toString();
    else if (f === 2 && w === 2) m.fields.push(parseField(r.bytes()));
    else if (f === 3 && w === 2) m.nested.push(parseMessage(r.bytes()));
    else if (f === 7 && w === 2) {
      const o = new Reader(r.bytes());
      for (const [of, ow] of o.fields()) {
        if (of === 7 && ow === 0) m.mapEntry = o.varint() === 1;
        else o.skip(ow);
      }
    } else r.skip(w);
  }
  return m;
}

function parseFile(buf: Buffer): { name: string; pkg: string; messages: Message[] } {
  const r = new Reader(buf);
  let name = '';
  let pkg = '';
  const messages: Message[] = [];
  for (const [f, w] of r.fields()) {
    if (f === 1 && w === 2) name = r.bytes().toString();
    else if (f === 2 && w === 2) pkg = r.bytes().toString();
    else if (f === 4 && w === 2) messages.push(parseMessage(r.bytes()));
    else r.skip(w);
  }
  return { name, pkg, messages };
}

function kubectlPath(): string {
  if (process.argv[2]) return process.argv[2];
  const which = execFileSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).trim();
  return join(dirname(realpathSync(which)), 'kubectl.1.33');
}

const binary = readFileSync(kubectlPath());
const wantedPackages = new Set(['k8s.io.apimachinery.pkg.apis.meta.v1', 'k8s.io.apimachinery.pkg.runtime', 'k8s.io.apimachinery.pkg.api.resource', 'k8s.io.apimachinery.pkg.util.intstr']);
for (const r of KUBE_RESOURCES) {
  const group = r.group === '' ? 'core' : r.group.replace(/\.k8s\.io$/, '').replace(/\.authorization$/, '').replace(/\.apiserver$/, '');
  wantedPackages.add(`k8s.io.api.${group}.${r.version}`);
}
const messages: Record<string, Field[]> = {};
const maps: Record<string, [number, string?]> = {};
for (let i = 0; i < binary.length - 3; i++) {
  if (binary[i] !== 0x1f || binary[i + 1] !== 0x8b || binary[i + 2] !== 0x08) continue;
  let out: Buffer;
  try {
    out = gunzipSync(binary.subarray(i, Math.min(binary.length, i + (1 << 20))), { finishFlush: constants.Z_SYNC_FLUSH });
  } catch {
    continue;
  }
  if (out[0] !== 0x0a) continue;
  let file;
  try {
    file = parseFile(out);
  } catch {
    continue;
  }
  if (!file.name.endsWith('generated.proto') || !wantedPackages.has(file.pkg)) continue;
  const add = (m: Message, prefix: string) => {
    const full = `${prefix}.${m.name}`;
    if (m.mapEntry) {
      const value = m.fields.find((f) => f[0] === 2)!;
      maps[full] = value[4] ? [value[2], value[4]] : [value[2]];
      return;
    }
    messages[full] = m.fields;
    for (const n of m.nested) add(n, full);
  };
  for (const m of file.messages) add(m, file.pkg);
}
const missing = [...wantedPackages].filter((p) => !Object.keys(messages).some((m) => m.startsWith(`${p}.`)));
// apiextensions and apiregistration types are not compiled into kubectl (it never sends them typed).
if (missing.length > 0) console.log(`no descriptors (JSON only) for ${missing.join(', ')}`);

const here = dirname(fileURLToPath(import.meta.url));
const json = JSON.stringify({ messages, maps });
writeFileSync(
  join(here, '../src/schema/kube/protobuf.gen.ts'),
  `// Generated by scripts/gen-kube-protobuf.ts from kubectl 1.33's embedded file descriptors; do not edit.\n` +
    `// messages: full name → [number, name, type, label, message type?] (descriptor.proto's type and label codes);\n` +
    `// maps: map-entry name → [value type, value message type?].\n` +
    `export const KUBE_PROTOBUF_JSON = ${JSON.stringify(json)};\n`,
);
console.log(`${Object.keys(messages).length} messages, ${Object.keys(maps).length} map entries, ${json.length} bytes`);
