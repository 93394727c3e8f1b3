/**
 * Reading Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`), which
 * kubectl's typed commands send (`kubectl create namespace`, `run`, `expose`, `auth can-i`):
 * the "k8s\0" envelope (runtime.Unknown), then the object's message, decoded with the field
 * tables in src/schema/kube/protobuf.gen.ts into the JSON form the rest of the server uses.
 *
 * Go's protobuf encoding writes non-pointer fields even when they hold their zero value, so
 * zero scalars ("", 0, false) are dropped unless the schema requires the field, as Go's JSON
 * `omitempty` would have left them out; a pointer field explicitly set to zero is lost.
 */
import { KUBE_PROTOBUF_JSON } from '../schema/kube/protobuf.gen.js';
import { kubeDefinitions } from '../schema/kube/index.js';
import type { Value, ValueMap } from '../yaml/types.js';
import { badRequest, unsupportedMediaType } from './errors.js';

type Field = [number, string, number, number, string?];

interface Tables {
  messages: Record<string, Map<number, Field>>;
  maps: Record<string, [number, string?]>;
}

let tables: Tables | undefined;

function load(): Tables {
  if (!tables) {
    const raw = JSON.parse(KUBE_PROTOBUF_JSON) as { messages: Record<string, Field[]>; maps: Record<string, [number, string?]> };
    const messages: Record<string, Map<number, Field>> = {};
    for (const [name, fields] of Object.entries(raw.messages)) messages[name] = new Map(fields.map((f) => [f[0], f]));
    tables = { messages, maps: raw.maps };
  }
  return tables;
}

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  done(): boolean {
    return this.pos >= this.buf.length;
  }
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length) throw badRequest('protobuf: unexpected end of body');
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return result;
      shift += 7n;
    }
  }
  bytes(): Buffer {
    const n = Number(this.varint());
    if (this.pos + n > this.buf.length) throw badRequest('protobuf: length beyond end of body');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw badRequest(`protobuf: unsupported wire type ${wire}`);
  }
  tag(): [number, number] {
    const t = Number(this.varint());
    return [t >>> 3, t & 7];
  }
}

function toNumber(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** Go's time.Duration text: 1h2m3.5s, 150ms, 0s. */
function goDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const neg = ns < 0n;
  let n = neg ? -ns : ns;
  let out: string;
  if (n < 1000000000n) {
    const units: [bigint, string][] = [
      [1000000n, 'ms'],
      [1000n, 'µs'],
      [1n, 'ns'],
    ];
    const [div, unit] = units.find(([d]) => n >= d)!;
    const whole = n / div;
    const frac = (n % div).toString().padStart(div.toString().length - 1, '0').replace(/0+$/, '');
    out = `${whole}${frac ? `.${frac}` : ''}${unit}`;
  } else {
    const h = n / 3600000000000n;
    n %= 3600000000000n;
    const m = n / 60000000000n;
    n %= 60000000000n;
    const s = n / 1000000000n;
    const frac = (n % 1000000000n).toString().padStart(9, '0').replace(/0+$/, '');
    out = `${h > 0n ? `${h}h` : ''}${h > 0n || m > 0n ? `${m}m` : ''}${s}${frac ? `.${frac}` : ''}s`;
  }
  return neg ? `-${out}` : out;
}

function decodeTime(buf: Buffer, micro: boolean): Value {
  const r = new Reader(buf);
  let seconds = 0n;
  let nanos = 0n;
  while (!r.done()) {
    const [f, w] = r.tag();
    if (f === 1 && w === 0) seconds = BigInt.asIntN(64, r.varint());
    else if (f === 2 && w === 0) nanos = BigInt.asIntN(64, r.varint());
    else r.skip(w);
  }
  if (seconds === 0n && nanos === 0n) return null;
  const iso = new Date(Number(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, '');
  return micro ? `${iso}.${(nanos / 1000n).toString().padStart(6, '0')}Z` : `${iso}Z`;
}

/** OpenAPI name of a message ("k8s.io.api.core.v1.Pod" → "io.k8s.api.core.v1.Pod"). */
function definitionName(message: string): string {
  return `io.k8s.${message.slice('k8s.io.'.length)}`;
}

function scalar(r: Reader, type: number, wire: number): Value {
  switch (type) {
    case 1:
      r.pos += 8;
      return r.buf.readDoubleLE(r.pos - 8);
    case 2:
      r.pos += 4;
      return r.buf.readFloatLE(r.pos - 4);
    case 3:
    case 16:
    case 18:
      return toNumber(BigInt.asIntN(64, wire === 1 ? (r.pos += 8, r.buf.readBigInt64LE(r.pos - 8)) : r.varint()));
    case 4:
    case 6:
      return toNumber(wire === 1 ? (r.pos += 8, r.buf.readBigUInt64LE(r.pos - 8)) : r.varint());
    case 5:
    case 14:
    case 17:
      return Number(BigInt.asIntN(32, r.varint()));
    case 13:
      return Number(BigInt.asUintN(32, r.varint()));
    case 7:
      r.pos += 4;
      return r.buf.readUInt32LE(r.pos - 4);
    case 15:
      r.pos += 4;
      return r.buf.readInt32LE(r.pos - 4);
    case 8:
      return r.varint() !== 0n;
    case 9:
      return r.bytes().toString('utf8');
    case 12:
      return r.bytes().toString('base64');
    default:
      throw badRequest(`protobuf: unsupported field type ${type}`);
  }
}

function isZero(v: Value): boolean {
  return v === '' || v === 0 || v === false || v === null;
}

export function decodeMessage(buf: Buffer, message: string): Value {
  switch (message) {
    case 'k8s.io.apimachinery.pkg.apis.meta.v1.Time':
      return decodeTime(buf, false);
    case 'k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime':
      return decodeTime(buf, true);
  }
  const t = load();
  const fields = t.messages[message];
  if (!fields) throw badRequest(`protobuf: unknown message ${message}`);
  const r = new Reader(buf);
  const out: ValueMap = {};
  while (!r.done()) {
    const [num, wire] = r.tag();
    const f = fields.get(num);
    if (!f) {
      r.skip(wire);
      continue;
    }
    const [, name, type, label, typeName] = f;
    let value: Value;
    if (type === 11) {
      const sub = r.bytes();
      const entry = typeName ? t.maps[typeName] : undefined;
      if (entry && typeName) {
        const er = new Reader(sub);
        let key = '';
        let v: Value = entry[0] === 11 ? {} : entry[0] === 9 || entry[0] === 12 ? '' : 0;
        while (!er.done()) {
          const [ef, ew] = er.tag();
          if (ef === 1) key = er.bytes().toString('utf8');
          else if (ef === 2) v = entry[0] === 11 ? decodeMessage(er.bytes(), entry[1]!) : scalar(er, entry[0], ew);
          else er.skip(ew);
        }
        const m = (out[name] ??= {}) as ValueMap;
        m[key] = v;
        continue;
      }
      value = decodeMessage(sub, typeName!);
    } else if (label === 3 && wire === 2 && type !== 9 && type !== 12) {
      // Packed repeated numbers.
      const pr = new Reader(r.bytes());
      const list = (out[name] ??= []) as Value[];
      while (!pr.done()) list.push(scalar(pr, type, type === 1 || type === 6 || type === 16 ? 1 : type === 2 || type === 7 || type === 15 ? 5 : 0));
      continue;
    } else {
      value = scalar(r, type, wire);
    }
    if (label === 3) ((out[name] ??= []) as Value[]).push(value);
    else out[name] = value;
  }
  return special(message, out);
}

/** Messages whose JSON form is not an object. */
function special(message: string, m: ValueMap): Value {
  switch (message) {
    case 'k8s.io.apimachinery.pkg.api.resource.Quantity':
      return (m.string as string) ?? '0';
    case 'k8s.io.apimachinery.pkg.util.intstr.IntOrString':
      return m.type === 1 ? ((m.strVal as string) ?? '') : ((m.intVal as number) ?? 0);
    case 'k8s.io.apimachinery.pkg.apis.meta.v1.Duration':
      return goDuration(BigInt((m.duration as number | bigint | undefined) ?? 0));
    case 'k8s.io.apimachinery.pkg.runtime.RawExtension':
    case 'k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1': {
      const raw = (m.raw ?? m.Raw) as string | undefined;
      if (!raw) return null;
      return JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as Value;
    }
    case 'k8s.io.apimachinery.pkg.apis.meta.v1.Verbs':
      return (m.items as Value[]) ?? [];
  }
  if (message.endsWith('.ExtraValue')) return (m.items as Value[]) ?? [];
  const def = kubeDefinitions()[definitionName(message)];
  const required = new Set(def?.required ?? []);
  for (const [k, v] of Object.entries(m)) {
    if (isZero(v) && !required.has(k)) {
      delete m[k];
    } else if (def?.properties && !(k in def.properties) && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      // Go structs embedded with `json:",inline"` (VolumeSource, ProbeHandler, IngressRuleValue…)
      // are fields in protobuf and flattened in JSON.
      delete m[k];
      Object.assign(m, v);
    }
  }
  return m;
}

function packageOf(apiVersion: string): string {
  const i = apiVersion.lastIndexOf('/');
  if (i < 0) return `k8s.io.api.core.${apiVersion}`;
  const group = apiVersion.slice(0, i).replace(/\.k8s\.io$/, '').replace(/^rbac\.authorization$/, 'rbac').replace(/\.apiserver$/, '');
  return `k8s.io.api.${group}.${apiVersion.slice(i + 1)}`;
}

/** The object a protobuf request body carries, with its apiVersion and kind. */
export function decodeKubeProtobuf(body: Buffer): ValueMap {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) throw badRequest('protobuf: body does not start with the Kubernetes magic number');
  const r = new Reader(body.subarray(4));
  let apiVersion = '';
  let kind = '';
  let raw: Buffer | undefined;
  let encoding = '';
  while (!r.done()) {
    const [f, w] = r.tag();
    if (f === 1 && w === 2) {
      const tm = new Reader(r.bytes());
      while (!tm.done()) {
        const [tf, tw] = tm.tag();
        if (tf === 1) apiVersion = tm.bytes().toString();
        else if (tf === 2) kind = tm.bytes().toString();
        else tm.skip(tw);
      }
    } else if (f === 2 && w === 2) raw = r.bytes();
    else if (f === 3 && w === 2) encoding = r.bytes().toString();
    else r.skip(w);
  }
  if (encoding !== '') throw badRequest(`protobuf: content encoding ${encoding} is not supported`);
  let message = `${packageOf(apiVersion)}.${kind}`;
  // Options kinds (DeleteOptions…) live in meta/v1 whatever group sends them.
  if (!load().messages[message] && load().messages[`k8s.io.apimachinery.pkg.apis.meta.v1.${kind}`]) message = `k8s.io.apimachinery.pkg.apis.meta.v1.${kind}`;
  if (!load().messages[message]) throw unsupportedMediaType('application/vnd.kubernetes.protobuf', ['application/json', `application/yaml (no protobuf form of ${apiVersion} ${kind} here)`]);
  const obj = decodeMessage(raw ?? Buffer.alloc(0), message) as ValueMap;
  return { apiVersion, kind, ...obj };
}
