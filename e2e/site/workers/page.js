// window.workers: what the e2e tests call. start(kind) starts one worker,
// ask(kind, command) sends it a command and resolves with its answer;
// askShared(worker, command) the same to a SharedWorker the test made.
(function () {
  'use strict';
  const started = {};
  // Script URLs relative to this script, through a Trusted Types policy where
  // the page enforces them (e2e/site/csp/trusted-types.html).
  const here = document.currentScript.src;
  const enforced = document.querySelector('meta[content*="require-trusted-types-for"]');
  const policy = enforced ? window.trustedTypes.createPolicy('app', { createScriptURL: (u) => u }) : null;
  const script = (file) => {
    const url = new URL(file, here).href;
    return policy ? policy.createScriptURL(url) : url;
  };
  function log(text) {
    document.getElementById('log').textContent += text + '\n';
  }
  function channelOf(kind) {
    switch (kind) {
      case 'classic':
        return new Worker(script('classic.js'), { name: 'classic' });
      case 'module':
        return new Worker(script('module.mjs'), { type: 'module', name: 'module' });
      case 'nested':
        return new Worker(script('nested.js'), { name: 'outer' });
      case 'shared': {
        const shared = new SharedWorker(script('shared.js'), { name: 'shared' });
        shared.port.start();
        return shared.port;
      }
      case 'shared-module': {
        const shared = new SharedWorker(script('shared-module.mjs'), { type: 'module', name: 'shared-module' });
        shared.port.start();
        return shared.port;
      }
      case 'compiled-here':
        return new Worker(script('compiled-here.js'), { name: 'compiled-here' });
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
    /** Sends `command` to a SharedWorker a test constructed itself (in this page or a frame); resolves with its answer as text. */
    askShared: function (worker, command) {
      return new Promise(function (resolve) {
        worker.port.onmessage = function (event) {
          resolve(String(event.data));
        };
        worker.port.postMessage(command);
      });
    },
    /** Compiles the seed module here and posts the Module to a worker, which instantiates it. */
    compileAndPost: function (sync) {
      return WebAssembly.compileStreaming(fetch(new URL('../wasm/leak-wasi-O0.wasm', here))).then(function (module) {
        return ask('compiled-here', sync ? { sync: module } : module);
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
