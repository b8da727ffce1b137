// A worker that starts a worker (relative to itself) and relays to it.
var inner = new Worker('classic.js', { name: 'inner' });
inner.onmessage = function (event) {
  self.postMessage(event.data);
};
self.onmessage = function (event) {
  inner.postMessage(event.data);
};
