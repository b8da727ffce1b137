// window.contexts: the seed leak module in the page, in a frame (frame.html)
// and in a dedicated worker (e2e/contexts.spec.ts). leak(where) leaks
// 100 × 1,024 B there; busy(ms) keeps
// the worker in one long task (it answers nothing meanwhile, the panel's
// snapshots included).
(function () {
  'use strict';
  const here = document.currentScript.src;
  const worker = new Worker(new URL('worker.js', here), { name: 'seed' });
  function log(text) {
    document.getElementById('log').textContent += `${text}\n`;
  }
  function ask(command) {
    return new Promise(function (resolve) {
      worker.addEventListener('message', function once(event) {
        worker.removeEventListener('message', once);
        log(`worker: ${event.data}`);
        resolve(event.data);
      });
      worker.postMessage(command);
    });
  }
  const page = WebAssembly.instantiateStreaming(fetch(new URL('../wasm/leak-wasi-O0.wasm', here)), {}).then(function (r) {
    r.instance.exports._initialize();
    return r.instance.exports;
  });
  // The frame's seed module, once its document has run its script (it may have before this one ran).
  const iframe = document.querySelector('iframe');
  const frame = new Promise(function (resolve) {
    const done = function () {
      resolve(iframe.contentWindow.seedFrame);
    };
    if (iframe.contentWindow.seedFrame) done();
    else iframe.addEventListener('load', done);
  });
  window.contexts = {
    ready: Promise.all([page, ask('where'), frame.then((f) => f.ready)]).then(function (r) {
      return r[1];
    }),
    leak: function (where) {
      if (where === 'worker') return ask('leak');
      if (where === 'frame')
        return frame.then(function (f) {
          return f.leak();
        });
      return page.then(function (e) {
        e.simulate_memory_leak();
        log('page: leaked');
        return 'leaked';
      });
    },
    busy: function (ms) {
      return ask({ busy: ms });
    },
  };
  ['page', 'frame', 'worker'].forEach(function (where) {
    const b = document.createElement('button');
    b.textContent = `Leak in the ${where}`;
    b.onclick = function () {
      window.contexts.leak(where);
    };
    document.getElementById('buttons').appendChild(b);
  });
})();
