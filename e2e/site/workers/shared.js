// A SharedWorker holding the seed leak module for every page that connects.
importScripts('seed.js');
self.onconnect = function (event) {
  var port = event.ports[0];
  port.onmessage = function (e) {
    self.seed.answer(e.data, function (r) {
      port.postMessage(r);
    });
  };
};
