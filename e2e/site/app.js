// Loads one build of the seed program and wires the buttons. `window.demo` is
// what the e2e tests call, so they exercise the page exactly as a user would.
(function () {
  'use strict';
  const build = new URLSearchParams(location.search).get('build') || 'wasi-O0';
  const log = (text) => {
    const el = document.getElementById('log');
    el.textContent += text + '\n';
  };
  document.getElementById('build').textContent = build;

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = src;
      s.onload = resolve;
      s.onerror = () => reject(new Error('failed to load ' + src));
      document.head.appendChild(s);
    });
  }

  async function load() {
    if (build.startsWith('wasi')) {
      const { instance } = await WebAssembly.instantiateStreaming(fetch('wasm/leak-' + build + '.wasm'), {});
      instance.exports._initialize();
      const e = instance.exports;
      return { call: (name, ...args) => e[name](...args), memory: () => e.memory.buffer, growJs: (n) => e.memory.grow(n) };
    }
    const opt = build.split('-')[1];
    await loadScript('wasm/leak-emcc-' + opt + '.js');
    const Module = await window['createLeakModule_' + opt]({ locateFile: (f) => 'wasm/' + f });
    return {
      call: (name, ...args) => Module['_' + name](...args),
      memory: () => Module.HEAPU8.buffer,
      growJs: (n) => Module.asm.memory.grow(n),
    };
  }

  const jsBlocks = [];
  const demo = {
    build,
    ready: null,
    api: null,
    leak() {
      demo.api.call('simulate_memory_leak');
      log('simulate_memory_leak(): 100 × 1024 bytes leaked');
    },
    process(size = 1024) {
      demo.api.call('process_data', size);
      log('process_data(' + size + ')');
    },
    fixed(size = 1024) {
      demo.api.call('process_data_fixed', size);
      log('process_data_fixed(' + size + ')');
    },
    checksum(size = 1024) {
      return demo.api.call('checksum_last', size);
    },
    jsMalloc(n = 100, size = 1024) {
      for (let i = 0; i < n; i++) jsBlocks.push(demo.api.call('malloc', size));
      log('malloc(' + size + ') ×' + n + ' from JS');
      return jsBlocks.slice(-n);
    },
    jsFree() {
      const n = jsBlocks.length;
      while (jsBlocks.length) demo.api.call('free', jsBlocks.pop());
      log('freed ' + n + ' blocks from JS');
      return n;
    },
    growJs(pages = 1) {
      const r = demo.api.growJs(pages);
      log('memory.grow(' + pages + ') from JS → ' + r);
      return r;
    },
    growWasm(pages = 1) {
      const r = demo.api.call('grow_memory', pages);
      log('grow_memory(' + pages + ') in wasm → ' + r);
      return r;
    },
    memoryBytes() {
      return demo.api.memory().byteLength;
    },
    workloads() {
      return [demo.api.call('tree_workload', 10, 3), demo.api.call('pairs_workload', 5000)];
    },
  };
  window.demo = demo;
  demo.ready = load().then(
    (api) => {
      demo.api = api;
      log('loaded ' + build + '; linear memory ' + api.memory().byteLength + ' bytes');
      return true;
    },
    (err) => {
      log('load failed: ' + err);
      throw err;
    },
  );

  const on = (id, fn) => document.getElementById(id).addEventListener('click', () => fn());
  on('leak', () => demo.leak());
  on('process', () => demo.process());
  on('fixed', () => demo.fixed());
  on('js-malloc', () => demo.jsMalloc());
  on('js-free', () => demo.jsFree());
  on('grow-js', () => demo.growJs());
  on('grow-wasm', () => demo.growWasm());
})();
