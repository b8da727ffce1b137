// A worker that starts a worker (relative to itself) and relays to it; 'end inner'
// terminates that inner worker (e2e/workers-ended.spec.ts).
var inner = new Worker('classic.js', { name: 'inner' });
inner.onmessage = function (event) {
  self.postMessage(event.data);
};
self.onmessage = function (event) {
  if (event.data === 'end inner') {
    inner.terminate();
    self.postMessage('terminated');
    return;
  }
  inner.postMessage(event.data);
};
