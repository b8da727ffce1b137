/**
 * Compact demanglers for the function names found in wasm name sections and
 * DWARF linkage names: Itanium C++ (`_Z...`: nested names, templates,
 * substitutions, operators, ctors/dtors, common types), Rust legacy
 * (`_ZN...17h<hash>E`, hash dropped) and Rust v0 (`_R...`, printed like
 * rustc-demangle's alternate form: no crate hashes). Anything else, or
 * anything they do not understand, is returned unchanged, so names that are
 * already demangled (Rust writes demangled names into the name section) pass
 * through.
 */
export function demangle(name: string): string {
  try {
    if (name.startsWith('_R')) return demangleRustV0(name) ?? name;
    if (name.startsWith('_ZN') && isRustLegacy(name)) return demangleRustLegacy(name) ?? name;
    if (name.startsWith('_Z')) return new Itanium(name).run() ?? name;
  } catch {
    // fall through: unknown construct
  }
  return name;
}

// ---------------------------------------------------------------- Rust legacy

const RUST_HASH = /17h[0-9a-f]{16}E(\.llvm\.[0-9A-F]+)?$/;

function isRustLegacy(s: string): boolean {
  return RUST_HASH.test(s) || s.includes('$LT$') || s.includes('$u7b$');
}

const RUST_ESC: Record<string, string> = { SP: '@', BP: '*', RF: '&', LT: '<', GT: '>', LP: '(', RP: ')', C: ',' };

function demangleRustLegacy(s: string): string | null {
  let p = 3;
  const parts: string[] = [];
  while (p < s.length && s[p] !== 'E') {
    let n = 0;
    const start = p;
    while (p < s.length && s[p] >= '0' && s[p] <= '9') n = n * 10 + (s.charCodeAt(p++) - 48);
    if (p === start || p + n > s.length) return null;
    parts.push(s.slice(p, p + n));
    p += n;
  }
  if (s[p] !== 'E' || parts.length === 0) return null;
  if (/^h[0-9a-f]{16}$/.test(parts[parts.length - 1])) parts.pop();
  return parts.map(rustUnescape).join('::');
}

function rustUnescape(part: string): string {
  let t = part.startsWith('_$') ? part.slice(1) : part;
  t = t.replace(/\.\./g, '::');
  return t.replace(/\$([A-Z]{1,2}|u[0-9a-f]{1,6})\$/g, (m, code: string) => {
    if (code[0] === 'u' && code.length > 1) {
      const cp = parseInt(code.slice(1), 16);
      return Number.isFinite(cp) ? String.fromCodePoint(cp) : m;
    }
    return RUST_ESC[code] ?? m;
  });
}

// -------------------------------------------------------------------- Rust v0

const RUST_BASIC: Record<string, string> = {
  a: 'i8',
  b: 'bool',
  c: 'char',
  d: 'f64',
  e: 'str',
  f: 'f32',
  h: 'u8',
  i: 'isize',
  j: 'usize',
  l: 'i32',
  m: 'u32',
  n: 'i128',
  o: 'u128',
  s: 'i16',
  t: 'u16',
  u: '()',
  v: '...',
  x: 'i64',
  y: 'u64',
  z: '!',
  p: '_',
};

function demangleRustV0(s: string): string | null {
  let p = 2;
  let depth = 0;
  const fail = (): never => {
    throw new Error('bad v0 symbol');
  };
  const peek = () => s[p] ?? '';
  const eat = (c: string) => {
    if (s[p] === c) {
      p++;
      return true;
    }
    return false;
  };
  const base62 = (): number => {
    if (eat('_')) return 0;
    let n = 0;
    for (;;) {
      const c = s[p++];
      if (c === undefined) fail();
      if (c === '_') return n + 1;
      const d =
        c >= '0' && c <= '9'
          ? c.charCodeAt(0) - 48
          : c >= 'a' && c <= 'z'
            ? c.charCodeAt(0) - 87
            : c >= 'A' && c <= 'Z'
              ? c.charCodeAt(0) - 29
              : fail();
      n = n * 62 + d;
    }
  };
  const decimal = (): number => {
    const start = p;
    while (s[p] >= '0' && s[p] <= '9') p++;
    if (p === start) fail();
    return parseInt(s.slice(start, p), 10);
  };
  const disamb = (): number => (eat('s') ? base62() + 1 : 0);
  const ident = (): { name: string; dis: number } => {
    const dis = disamb();
    const puny = eat('u');
    const n = decimal();
    eat('_');
    const raw = s.slice(p, p + n);
    if (raw.length !== n) fail();
    p += n;
    return { name: puny ? punycode(raw) : raw, dis };
  };
  const backref = <T>(f: () => T): T => {
    const target = base62() + 2;
    if (target >= p - 1 || ++depth > 64) fail();
    const save = p;
    p = target;
    const r = f();
    p = save;
    depth--;
    return r;
  };
  const generics = (): string => {
    const args: string[] = [];
    while (!eat('E')) {
      if (eat('L')) {
        base62();
        continue;
      } // lifetimes are not printed
      args.push(eat('K') ? konst() : type());
    }
    return args.join(', ');
  };
  const path = (inValue: boolean): string => {
    const c = s[p++];
    switch (c) {
      case 'C':
        return ident().name;
      case 'M': {
        disamb();
        path(false);
        return `<${type()}>`;
      }
      case 'X': {
        disamb();
        path(false);
        const t = type();
        return `<${t} as ${path(false)}>`;
      }
      case 'Y': {
        const t = type();
        return `<${t} as ${path(false)}>`;
      }
      case 'N': {
        const ns = s[p++];
        const prefix = path(inValue);
        const id = ident();
        if (ns >= 'a' && ns <= 'z') return id.name ? `${prefix}::${id.name}` : prefix;
        const kind = ns === 'C' ? 'closure' : ns === 'S' ? 'shim' : ns;
        return `${prefix}::{${kind}${id.name ? ':' + id.name : ''}#${id.dis}}`;
      }
      case 'I': {
        const base = path(inValue);
        const g = generics();
        return `${base}${inValue ? '::' : ''}<${g}>`;
      }
      case 'B':
        return backref(() => path(inValue));
      default:
        return fail();
    }
  };
  const fnSig = (): string => {
    if (eat('G')) base62();
    const unsafe = eat('U') ? 'unsafe ' : '';
    let abi = '';
    if (eat('K')) {
      if (eat('C')) abi = 'extern "C" ';
      else {
        const id = ident().name.replace(/_/g, '-');
        abi = `extern "${id}" `;
      }
    }
    const args: string[] = [];
    while (!eat('E')) args.push(type());
    const ret = type();
    return `${unsafe}${abi}fn(${args.join(', ')})${ret === '()' ? '' : ' -> ' + ret}`;
  };
  const type = (): string => {
    const c = peek();
    if (RUST_BASIC[c] !== undefined && c !== '') {
      p++;
      return RUST_BASIC[c];
    }
    p++;
    switch (c) {
      case 'R':
      case 'Q': {
        if (eat('L')) base62();
        return (c === 'R' ? '&' : '&mut ') + type();
      }
      case 'P':
        return '*const ' + type();
      case 'O':
        return '*mut ' + type();
      case 'A': {
        const t = type();
        return `[${t}; ${konst()}]`;
      }
      case 'S':
        return `[${type()}]`;
      case 'T': {
        const ts: string[] = [];
        while (!eat('E')) ts.push(type());
        return `(${ts.join(', ')}${ts.length === 1 ? ',' : ''})`;
      }
      case 'F':
        return fnSig();
      case 'D': {
        if (eat('G')) base62();
        const traits: string[] = [];
        while (!eat('E')) {
          let t = path(false);
          const assoc: string[] = [];
          while (eat('p')) {
            const n = ident().name;
            assoc.push(`${n} = ${type()}`);
          }
          if (assoc.length) t = t.endsWith('>') ? `${t.slice(0, -1)}, ${assoc.join(', ')}>` : `${t}<${assoc.join(', ')}>`;
          traits.push(t);
        }
        if (eat('L')) base62();
        return 'dyn ' + traits.join(' + ');
      }
      case 'B':
        return backref(type);
      case 'C':
      case 'N':
      case 'M':
      case 'X':
      case 'Y':
      case 'I':
        p--;
        return path(false);
      default:
        return fail();
    }
  };
  const konst = (): string => {
    if (eat('p')) return '_';
    if (eat('B')) return backref(konst);
    const t = type();
    const neg = eat('n');
    const start = p;
    while (s[p] !== '_') {
      if (p >= s.length) fail();
      p++;
    }
    const hex = s.slice(start, p++);
    if (t === 'bool') return hex === '1' ? 'true' : 'false';
    if (t === 'char') return `'${String.fromCodePoint(parseInt(hex || '0', 16))}'`;
    const v = hex ? BigInt('0x' + hex).toString() : '0';
    return (neg ? '-' : '') + v;
  };
  if (s[p] >= '0' && s[p] <= '9') decimal(); // encoding version
  const out = path(true);
  return out;
}

/** RFC 3492 decoding (Rust v0 identifiers marked `u`: `_` separates the basic code points). */
function punycode(input: string): string {
  const sep = input.lastIndexOf('_');
  const out = sep > 0 ? Array.from(input.slice(0, sep)) : [];
  let n = 128,
    i = 0,
    bias = 72;
  for (let p = sep > 0 ? sep + 1 : 0; p < input.length; ) {
    const oldi = i;
    for (let w = 1, k = 36; ; k += 36) {
      const c = input.charCodeAt(p++);
      const d = c >= 97 && c <= 122 ? c - 97 : c >= 48 && c <= 57 ? c - 22 : NaN;
      if (Number.isNaN(d)) throw new Error('bad punycode');
      i += d * w;
      const t = k <= bias ? 1 : k >= bias + 26 ? 26 : k - bias;
      if (d < t) break;
      w *= 36 - t;
    }
    const len = out.length + 1;
    let delta = oldi === 0 ? Math.floor((i - oldi) / 700) : (i - oldi) >> 1;
    delta += Math.floor(delta / len);
    let k = 0;
    while (delta > 455) {
      delta = Math.floor(delta / 35);
      k += 36;
    }
    bias = k + Math.floor((36 * delta) / (delta + 38));
    n += Math.floor(i / len);
    i %= len;
    out.splice(i++, 0, String.fromCodePoint(n));
  }
  return out.join('');
}

// ------------------------------------------------------------- Itanium C++

const BUILTIN: Record<string, string> = {
  v: 'void',
  w: 'wchar_t',
  b: 'bool',
  c: 'char',
  a: 'signed char',
  h: 'unsigned char',
  s: 'short',
  t: 'unsigned short',
  i: 'int',
  j: 'unsigned int',
  l: 'long',
  m: 'unsigned long',
  x: 'long long',
  y: 'unsigned long long',
  n: '__int128',
  o: 'unsigned __int128',
  f: 'float',
  d: 'double',
  e: 'long double',
  g: '__float128',
  z: '...',
};
const BUILTIN_D: Record<string, string> = {
  n: 'std::nullptr_t',
  i: 'char32_t',
  s: 'char16_t',
  u: 'char8_t',
  a: 'auto',
  c: 'decltype(auto)',
  h: 'half',
};
const OPS: Record<string, string> = {
  nw: 'new',
  na: 'new[]',
  dl: 'delete',
  da: 'delete[]',
  ps: '+',
  ng: '-',
  ad: '&',
  de: '*',
  co: '~',
  pl: '+',
  mi: '-',
  ml: '*',
  dv: '/',
  rm: '%',
  an: '&',
  or: '|',
  eo: '^',
  aS: '=',
  pL: '+=',
  mI: '-=',
  mL: '*=',
  dV: '/=',
  rM: '%=',
  aN: '&=',
  oR: '|=',
  eO: '^=',
  ls: '<<',
  rs: '>>',
  lS: '<<=',
  rS: '>>=',
  eq: '==',
  ne: '!=',
  lt: '<',
  gt: '>',
  le: '<=',
  ge: '>=',
  ss: '<=>',
  nt: '!',
  aa: '&&',
  oo: '||',
  pp: '++',
  mm: '--',
  cm: ',',
  pm: '->*',
  pt: '->',
  cl: '()',
  ix: '[]',
  qu: '?',
};
const STD_SUBS: Record<string, string> = {
  a: 'std::allocator',
  b: 'std::basic_string',
  s: 'std::string',
  i: 'std::istream',
  o: 'std::ostream',
  d: 'std::iostream',
};
const LIT_SUFFIX: Record<string, string> = { j: 'u', l: 'l', m: 'ul', x: 'll', y: 'ull' };

/** Pointer, reference and cv-qualifier codes, as C++ writes them. */
const MODIFIERS: Record<string, string> = { P: '*', R: '&', O: '&&', K: 'const', V: 'volatile', r: 'restrict' };

/** Result of a name: its text, and whether it ends in template args / is a ctor, dtor or conversion. */
interface NameInfo {
  text: string;
  template: boolean;
  ctorDtor: boolean;
  cv: string;
}

class Itanium {
  p = 2;
  subs: string[] = [];
  tparams: string[] = [];
  /** Args of the template-args list completed last (the outermost one of a name). */
  lastArgs: string[] = [];
  depth = 0;
  constructor(readonly s: string) {}

  fail(): never {
    throw new Error(`cannot demangle at ${this.p}`);
  }
  peek(k = 0): string {
    return this.s[this.p + k] ?? '';
  }
  eat(c: string): boolean {
    if (this.s.startsWith(c, this.p)) {
      this.p += c.length;
      return true;
    }
    return false;
  }

  run(): string | null {
    let out: string;
    if (this.eat('TV')) out = 'vtable for ' + this.type();
    else if (this.eat('TI')) out = 'typeinfo for ' + this.type();
    else if (this.eat('TS')) out = 'typeinfo name for ' + this.type();
    else if (this.eat('GV')) out = 'guard variable for ' + this.name().text;
    else out = this.encoding();
    if (this.p < this.s.length) {
      if (this.s[this.p] !== '.') return null;
      out += ` (${this.s.slice(this.p)})`; // llvm-cxxfilt style
    }
    return out;
  }

  encoding(): string {
    const n = this.name();
    if (n.template) this.tparams = this.lastArgs;
    if (this.p >= this.s.length || this.peek() === 'E' || this.peek() === '.') return n.text; // data
    let ret = '';
    if (n.template && !n.ctorDtor) ret = this.type() + ' ';
    const params: string[] = [];
    while (this.p < this.s.length && this.peek() !== 'E' && this.peek() !== '.') params.push(this.type());
    const args = params.length === 1 && params[0] === 'void' ? '' : params.join(', ');
    return `${ret}${n.text}(${args})${n.cv}`;
  }

  name(): NameInfo {
    if (++this.depth > 256) this.fail();
    try {
      const c = this.peek();
      if (c === 'N') return this.nested(false);
      if (c === 'Z') {
        this.p++;
        const fn = this.encoding();
        if (!this.eat('E')) this.fail();
        if (this.eat('s')) {
          this.discriminator();
          return { text: fn + '::string literal', template: false, ctorDtor: false, cv: '' };
        }
        const inner = this.name();
        this.discriminator();
        return { ...inner, text: fn + '::' + inner.text };
      }
      let text: string;
      let isSub = false;
      if (this.eat('St')) text = 'std::' + this.unqualified('').text;
      else if (c === 'S') {
        text = this.substitution();
        isSub = true;
      } else text = this.unqualified('').text;
      if (this.peek() === 'I') {
        if (!isSub) this.subs.push(text);
        const args = this.templateArgs();
        return { text: text + args, template: true, ctorDtor: false, cv: '' };
      }
      return { text, template: false, ctorDtor: false, cv: '' };
    } finally {
      this.depth--;
    }
  }

  discriminator(): void {
    if (this.eat('_')) {
      if (this.eat('_')) {
        while (this.peek() !== '_') this.p++;
        this.p++;
      } else this.number();
    }
  }

  number(): number {
    const start = this.p;
    while (this.peek() >= '0' && this.peek() <= '9') this.p++;
    if (start === this.p) this.fail();
    return parseInt(this.s.slice(start, this.p), 10);
  }

  sourceName(): string {
    const n = this.number();
    const id = this.s.slice(this.p, this.p + n);
    if (id.length !== n) this.fail();
    this.p += n;
    return id.startsWith('_GLOBAL__N') ? '(anonymous namespace)' : id;
  }

  /** unqualified-name; `last` is the enclosing class name (for ctors/dtors). */
  unqualified(last: string): { text: string; ctorDtor: boolean } {
    const c = this.peek();
    if (c >= '0' && c <= '9') return { text: this.sourceName(), ctorDtor: false };
    if (c === 'L') {
      this.p++;
      const t = this.sourceName();
      this.discriminator();
      return { text: t, ctorDtor: false };
    }
    if (c === 'C' && /[1-5I]/.test(this.peek(1))) {
      this.p += 2;
      if (this.s[this.p - 1] === 'I') this.type();
      return { text: baseName(last), ctorDtor: true };
    }
    if (c === 'D' && /[0-5]/.test(this.peek(1))) {
      this.p += 2;
      return { text: '~' + baseName(last), ctorDtor: true };
    }
    if (c === 'U' && this.peek(1) === 't') {
      this.p += 2;
      const n = this.peek() === '_' ? 1 : this.number() + 2;
      this.eat('_');
      return { text: `{unnamed type#${n}}`, ctorDtor: false };
    }
    if (c === 'U' && this.peek(1) === 'l') {
      this.p += 2;
      const ps: string[] = [];
      while (!this.eat('E')) ps.push(this.type());
      const n = this.peek() === '_' ? 1 : this.number() + 2;
      this.eat('_');
      return { text: `{lambda(${ps.length === 1 && ps[0] === 'void' ? '' : ps.join(', ')})#${n}}`, ctorDtor: false };
    }
    if (c === 'c' && this.peek(1) === 'v') {
      this.p += 2;
      return { text: 'operator ' + this.type(), ctorDtor: true };
    }
    if (c === 'l' && this.peek(1) === 'i') {
      this.p += 2;
      return { text: 'operator"" ' + this.sourceName(), ctorDtor: false };
    }
    const op = OPS[this.s.slice(this.p, this.p + 2)];
    if (op) {
      this.p += 2;
      return { text: /^[a-z]/.test(op) ? 'operator ' + op : 'operator' + op, ctorDtor: false };
    }
    return this.fail();
  }

  nested(isType: boolean): NameInfo {
    this.p++; // N
    let cv = '';
    for (;;) {
      if (this.eat('r')) cv += ' restrict';
      else if (this.eat('V')) cv += ' volatile';
      else if (this.eat('K')) cv += ' const';
      else break;
    }
    cv = cv
      .split(' ')
      .filter(Boolean)
      .reverse()
      .map((q) => ' ' + q)
      .join('');
    if (this.eat('R')) cv += ' &';
    else if (this.eat('O')) cv += ' &&';
    let text = '';
    let template = false,
      ctorDtor = false;
    let pending = false;
    while (!this.eat('E')) {
      if (this.p >= this.s.length) this.fail();
      const c = this.peek();
      if (c === 'I') {
        if (!text) this.fail();
        if (pending) this.subs.push(text);
        const args = this.templateArgs();
        text += args;
        template = true;
        pending = true;
        continue;
      }
      if (pending) this.subs.push(text);
      template = false;
      if (c === 'S' && !text) {
        if (this.eat('St')) {
          text = 'std::' + this.unqualified('').text;
          pending = true;
          ctorDtor = false;
          continue;
        }
        text = this.substitution();
        pending = false;
        continue;
      }
      if (c === 'T' && !text) {
        text = this.templateParam();
        pending = true;
        continue;
      }
      if (c === 'D' && (this.peek(1) === 't' || this.peek(1) === 'T')) this.fail();
      const u = this.unqualified(text);
      text = text ? text + '::' + u.text : u.text;
      ctorDtor = u.ctorDtor;
      pending = true;
    }
    if (pending && isType) this.subs.push(text);
    return { text, template, ctorDtor, cv };
  }

  substitution(): string {
    this.p++; // S
    const c = this.peek();
    if (STD_SUBS[c]) {
      this.p++;
      return STD_SUBS[c];
    }
    let id = 0;
    if (this.eat('_')) id = 0;
    else {
      let n = 0;
      while (this.peek() !== '_') {
        const ch = this.peek();
        const d = ch >= '0' && ch <= '9' ? ch.charCodeAt(0) - 48 : ch >= 'A' && ch <= 'Z' ? ch.charCodeAt(0) - 55 : this.fail();
        n = n * 36 + d;
        this.p++;
      }
      this.p++;
      id = n + 1;
    }
    const r = this.subs[id];
    if (r === undefined) this.fail();
    return r;
  }

  templateParam(): string {
    this.p++; // T
    let id = 0;
    if (!this.eat('_')) {
      id = this.number() + 1;
      if (!this.eat('_')) this.fail();
    }
    const r = this.tparams[id];
    if (r === undefined) this.fail();
    return r;
  }

  templateArgs(): string {
    this.p++; // I
    const args: string[] = [];
    while (!this.eat('E')) {
      if (this.p >= this.s.length) this.fail();
      args.push(this.templateArg());
    }
    this.lastArgs = args;
    const t = args.join(', ');
    return `<${t}${t.endsWith('>') ? ' ' : ''}>`;
  }

  templateArg(): string {
    if (this.eat('L')) {
      if (this.eat('_Z')) {
        const e = this.encoding();
        if (!this.eat('E')) this.fail();
        return e;
      }
      const ty = this.type();
      const neg = this.eat('n');
      const start = this.p;
      while (this.peek() !== 'E') {
        if (this.p >= this.s.length) this.fail();
        this.p++;
      }
      const v = this.s.slice(start, this.p++);
      if (ty === 'bool') return v === '0' ? 'false' : 'true';
      const code = Object.keys(BUILTIN).find((k) => BUILTIN[k] === ty) ?? '';
      if (ty === 'int') return (neg ? '-' : '') + v;
      if (LIT_SUFFIX[code]) return (neg ? '-' : '') + v + LIT_SUFFIX[code];
      return `(${ty})${neg ? '-' : ''}${v}`;
    }
    if (this.eat('J')) {
      const a: string[] = [];
      while (!this.eat('E')) a.push(this.templateArg());
      return a.join(', ');
    }
    if (this.peek() === 'X') this.fail();
    return this.type();
  }

  type(): string {
    if (++this.depth > 256) this.fail();
    try {
      return this.typeInner();
    } finally {
      this.depth--;
    }
  }

  /** An array type's `A <dimension> _` (the dimension may be empty); the element type follows. */
  private arrayDim(): string {
    this.p++;
    const dim = this.peek() === '_' ? '' : String(this.number());
    if (!this.eat('_')) this.fail();
    return dim;
  }

  /**
   * The type after a pointer or reference (P R O) or a cv-qualifier (K V r),
   * with the modifier where C++ writes it: around the declarator of a
   * function or (for pointers) array type, else after the type.
   */
  modified(c: string): string {
    const ptr = c === 'P' || c === 'R' || c === 'O';
    const mark = MODIFIERS[c];
    if (this.peek() === 'F') {
      const f = this.functionType();
      return ptr ? `${f.ret} (${mark})(${f.args})` : `${f.ret} (${f.args}) ${mark}`;
    }
    if (ptr && this.peek() === 'A') {
      const dim = this.arrayDim();
      return `${this.type()} (${mark}) [${dim}]`;
    }
    return ptr ? this.type() + mark : `${this.type()} ${mark}`;
  }

  typeInner(): string {
    const c = this.peek();
    if (BUILTIN[c]) {
      this.p++;
      return BUILTIN[c];
    }
    if (c === 'D' && BUILTIN_D[this.peek(1)]) {
      this.p += 2;
      return BUILTIN_D[this.s[this.p - 1]];
    }
    let t: string;
    switch (c) {
      case 'P':
      case 'R':
      case 'O':
      case 'K':
      case 'V':
      case 'r':
        this.p++;
        t = this.modified(c);
        break;
      case 'F': {
        const f = this.functionType();
        t = `${f.ret} (${f.args})`;
        break;
      }
      case 'A': {
        const dim = this.arrayDim();
        t = `${this.type()} [${dim}]`;
        break;
      }
      case 'N':
        return this.nested(true).text;
      case 'T': {
        t = this.templateParam();
        this.subs.push(t);
        if (this.peek() === 'I') {
          t += this.templateArgs();
          this.subs.push(t);
        }
        return t;
      }
      case 'S': {
        if (this.peek(1) === 't') {
          this.p += 2;
          t = 'std::' + this.unqualified('').text;
          this.subs.push(t);
        } else t = this.substitution();
        if (this.peek() === 'I') {
          t += this.templateArgs();
          this.subs.push(t);
        }
        return t;
      }
      case 'D':
        if (this.peek(1) === 'p') {
          this.p += 2;
          return this.type();
        } // a pack parameter prints as its expansion
        return this.fail();
      case 'u': {
        this.p++;
        return this.sourceName();
      }
      default: {
        if ((c >= '0' && c <= '9') || c === 'Z') {
          const n = this.name(); // pushes the template name itself
          this.subs.push(n.text);
          return n.text;
        }
        return this.fail();
      }
    }
    this.subs.push(t);
    return t;
  }

  functionType(): { ret: string; args: string } {
    this.p++; // F
    this.eat('Y');
    const ret = this.type();
    const ps: string[] = [];
    while (!this.eat('E')) {
      if (this.eat('R') || this.eat('O')) continue; // ref-qualifier
      ps.push(this.type());
    }
    return { ret, args: ps.length === 1 && ps[0] === 'void' ? '' : ps.join(', ') };
  }
}

/** Last component without template args: the name a ctor/dtor repeats. */
function baseName(qualified: string): string {
  let depth = 0;
  let end = qualified.length;
  for (let i = qualified.length - 1; i >= 0; i--) {
    const ch = qualified[i];
    if (ch === '>') depth++;
    else if (ch === '<') {
      depth--;
      if (depth === 0) end = i;
    } else if (ch === ':' && depth === 0 && qualified[i - 1] === ':') return qualified.slice(i + 1, end > i ? end : qualified.length);
  }
  return qualified.slice(0, end);
}
