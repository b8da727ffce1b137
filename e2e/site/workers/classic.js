// A dedicated classic worker (relative importScripts, relative fetch).
importScripts('seed.js');
self.onmessage = function (event) {
  self.seed.answer(event.data, function (r) {
    self.postMessage(r);
  });
};
