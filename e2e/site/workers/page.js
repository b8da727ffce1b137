// window.workers: what the e2e tests call. start(kind) starts one worker,
// ask(kind, command) sends it a command and resolves with its answer.
(function () {
  'use strict';
  var started = {};
  function log(text) {
    document.getElementById('log').textContent += text + '\n';
  }
  function channelOf(kind) {
    switch (kind) {
      case 'classic':
        return new Worker('workers/classic.js', { name: 'classic' });
      case 'module':
        return new Worker('workers/module.mjs', { type: 'module', name: 'module' });
      case 'nested':
        return new Worker('workers/nested.js', { name: 'outer' });
      case 'shared': {
        const shared = new SharedWorker('workers/shared.js', { name: 'shared' });
        shared.port.start();
        return shared.port;
      }
      case 'compiled-here':
        return new Worker('workers/compiled-here.js', { name: 'compiled-here' });
    }
    throw new Error('unknown worker kind ' + kind);
  }
  function ask(kind, command) {
    var target = started[kind] || (started[kind] = channelOf(kind));
    return new Promise(function (resolve) {
      target.addEventListener('message', function once(event) {
        target.removeEventListener('message', once);
        log(kind + ': ' + event.data);
        resolve(event.data);
      });
      target.postMessage(command);
    });
  }
  window.workers = {
    ask: ask,
    /** Compiles the seed module here and posts the Module to a worker, which instantiates it. */
    compileAndPost: function () {
      return WebAssembly.compileStreaming(fetch('wasm/leak-wasi-O0.wasm')).then(function (module) {
        return ask('compiled-here', module);
      });
    },
  };
  ['classic', 'module', 'nested', 'shared'].forEach(function (kind) {
    var b = document.createElement('button');
    b.textContent = 'Leak in ' + kind + ' worker';
    b.onclick = function () {
      ask(kind, 'leak');
    };
    document.getElementById('buttons').appendChild(b);
  });
})();
