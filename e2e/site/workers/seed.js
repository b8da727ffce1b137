// The seed leak module in a worker: instantiated from a URL relative to this
// worker (what breaks if the worker's base URL is not its script's), leaked on
// demand. Shared by the classic workers through importScripts.
'use strict';
self.seed = {
  ready: WebAssembly.instantiateStreaming(fetch('../wasm/leak-wasi-O0.wasm'), {}).then(function (r) {
    r.instance.exports._initialize();
    return r.instance.exports;
  }),
  /** Answers the page: 'leak' leaks 100 × 1,024 B; 'where' tells the worker's own URL. */
  answer: function (command, reply) {
    self.seed.ready.then(
      function (e) {
        if (command === 'leak') {
          e.simulate_memory_leak();
          reply('leaked');
        } else if (command === 'where') {
          reply(self.location.href);
        }
      },
      function (error) {
        reply('error: ' + error.message);
      },
    );
  },
};
