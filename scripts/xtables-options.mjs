#!/usr/bin/env node
// Reads the option tables compiled into the installed iptables extensions
// (/usr/lib/<arch>/xtables/lib{xt,ipt,ip6t}_*.so) and prints them as JSON:
//   { "<so name>": [ { name, style, array, type?, invert?, mandatory?, multi?, min?, max?, id?, hasArg? }, ... ] }
// (`array`: which option table of the file the entry belongs to; entries of one table
// that share an `id` are spellings of the same option, and iptables takes the flags of
// the first of them.)
// Two layouts exist: `struct xt_option_entry` (48 bytes: name, type, id, excl, also,
// flags, ptroff, size, min, max; see xtables.h) and the older getopt `struct option`
// (32 bytes: name, has_arg, flag, val). Only x86_64 little-endian ELF is handled.
// Used to check server/src/core/iptables/modules and targets against the real tool:
//   node scripts/xtables-options.mjs > test/.tmp/xtables-options.json
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const TYPES = ['NONE', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'UINT8RC', 'UINT16RC', 'UINT32RC', 'UINT64RC', 'DOUBLE', 'STRING', 'TOSMASK', 'MARKMASK32', 'SYSLOGLEVEL', 'HOST', 'HOSTMASK', 'PROTOCOL', 'PORT', 'PORTRC', 'PLEN', 'PLENMASK', 'ETHERMAC'];

function parseElf(buf) {
  if (buf.readUInt32BE(0) !== 0x7f454c46 || buf[4] !== 2) throw new Error('not ELF64');
  const shoff = Number(buf.readBigUInt64LE(0x28));
  const shentsize = buf.readUInt16LE(0x3a);
  const shnum = buf.readUInt16LE(0x3c);
  const shstrndx = buf.readUInt16LE(0x3e);
  const secs = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * shentsize;
    secs.push({
      nameOff: buf.readUInt32LE(o),
      type: buf.readUInt32LE(o + 4),
      addr: Number(buf.readBigUInt64LE(o + 0x10)),
      offset: Number(buf.readBigUInt64LE(o + 0x18)),
      size: Number(buf.readBigUInt64LE(o + 0x20)),
    });
  }
  const strtab = secs[shstrndx];
  for (const s of secs) {
    let e = strtab.offset + s.nameOff;
    while (buf[e]) e++;
    s.name = buf.toString('latin1', strtab.offset + s.nameOff, e);
  }
  return secs;
}

function optionsOf(file) {
  const buf = readFileSync(file);
  const secs = parseElf(buf);
  const byAddr = (a) => secs.find((s) => s.addr && a >= s.addr && a < s.addr + s.size && s.type !== 8 /* NOBITS */);
  const cstr = (a) => {
    const s = byAddr(a);
    if (!s) return null;
    let o = s.offset + (a - s.addr);
    const start = o;
    while (buf[o]) o++;
    return buf.toString('latin1', start, o);
  };
  // R_X86_64_RELATIVE relocations: where (r_offset) gets base + addend.
  const rel = new Map();
  for (const s of secs) {
    if (s.type !== 4 /* RELA */) continue;
    for (let o = s.offset; o < s.offset + s.size; o += 24) {
      const info = buf.readBigUInt64LE(o + 8);
      if ((info & 0xffffffffn) === 8n) rel.set(Number(buf.readBigUInt64LE(o)), Number(buf.readBigInt64LE(o + 16)));
    }
  }
  const isOpt = (s) => s !== null && /^[a-z0-9][a-z0-9-]*[a-z0-9]$/.test(s);
  const read32 = (a) => {
    const s = byAddr(a);
    return s ? buf.readUInt32LE(s.offset + (a - s.addr)) : -1;
  };
  const out = [];
  const seen = new Set();
  let arrayNo = 0;
  const addrs = [...rel.keys()].sort((a, b) => a - b);
  for (const a of addrs) {
    if (seen.has(a)) continue;
    const name = cstr(rel.get(a));
    if (!isOpt(name)) continue;
    // Decide the layout from the next entry of the array (48 or 32 bytes further).
    for (const [stride, style] of [[48, 'x6'], [32, 'getopt']]) {
      const next = rel.get(a + stride);
      const nextName = next === undefined ? null : cstr(next);
      const endsHere = next === undefined && read32(a + stride) === 0 && read32(a + stride + 4) === 0;
      if (!isOpt(nextName) && !endsHere) continue;
      if (style === 'x6') {
        const type = read32(a + 8);
        const flags = read32(a + 24);
        if (type < 0 || type >= TYPES.length || flags >= 32) continue;
      } else {
        const hasArg = read32(a + 8);
        if (hasArg > 2 || rel.has(a + 16)) continue;
      }
      // Walk the whole array.
      const arr = [];
      for (let p = a; rel.has(p) && isOpt(cstr(rel.get(p))); p += stride) {
        // A real xt_option_entry has a small size and sane bounds; the walk stops at the
        // first entry that is not one (a neighbouring name table or extension struct).
        if (style === 'x6') {
          const size = read32(p + 32);
          const min = read32(p + 40);
          const max = read32(p + 44);
          const type = read32(p + 8);
          if (type >= TYPES.length || read32(p + 24) >= 32 || size > 4096 || (min > 65535 && max < min) || (type === 0 && (min || max))) break;
        }
        seen.add(p);
        const n = cstr(rel.get(p));
        if (style === 'x6') {
          const type = read32(p + 8);
          const flags = read32(p + 24);
          arr.push({ name: n, style, type: TYPES[type] ?? String(type), invert: !!(flags & 1), mandatory: !!(flags & 2), multi: !!(flags & 4), min: read32(p + 40), max: read32(p + 44), id: read32(p + 12), ptroff: read32(p + 28), size: read32(p + 32) });
        } else {
          arr.push({ name: n, style, hasArg: read32(p + 8) });
        }
      }
      for (const e of arr) e.array = arrayNo;
      arrayNo++;
      out.push(...arr);
      break;
    }
  }
  return out;
}

const dirs = ['/usr/lib/x86_64-linux-gnu/xtables', '/usr/lib/xtables', '/usr/lib64/xtables'];
const dir = process.argv[2] || dirs.find((d) => existsSync(d));
if (!dir) {
  console.error('no xtables directory found');
  process.exit(1);
}
const result = {};
for (const f of readdirSync(dir).sort()) {
  const m = /^lib(xt|ipt|ip6t)_(.+)\.so$/.exec(f);
  if (!m) continue;
  try {
    result[f.replace(/\.so$/, '')] = optionsOf(join(dir, f));
  } catch (e) {
    result[f.replace(/\.so$/, '')] = { error: String(e) };
  }
}
process.stdout.write(JSON.stringify(result, null, 1) + '\n');
