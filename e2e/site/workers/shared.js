// A SharedWorker holding the seed leak module for every page that connects;
// 'count' tells how many ports it has counted on and how many connected (one
// worker reached by several constructions keeps one count).
importScripts('seed.js');
var connections = 0;
var counted = 0;
self.onconnect = function (event) {
  connections++;
  var port = event.ports[0];
  port.onmessage = function (e) {
    if (e.data === 'count') {
      port.postMessage(++counted + ' of ' + connections + ' ' + self.name);
      return;
    }
    self.seed.answer(e.data, function (r) {
      port.postMessage(r);
    });
  };
};
