// A SharedWorker with the seed leak module that closes itself on demand
// (e2e/workers-ended.spec.ts): 'close' answers 'closing', then calls close().
importScripts('seed.js');
self.onconnect = function (event) {
  var port = event.ports[0];
  port.onmessage = function (e) {
    if (e.data === 'close') {
      port.postMessage('closing');
      self.close();
      return;
    }
    self.seed.answer(e.data, function (r) {
      port.postMessage(r);
    });
  };
};
