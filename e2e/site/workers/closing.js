// A dedicated classic worker that closes itself on demand (e2e/workers-ended.spec.ts):
// 'close' answers 'closing', then calls close(); 'look' tells what its close() looks like.
importScripts('seed.js');
self.onmessage = function (event) {
  if (event.data === 'close') {
    self.postMessage('closing');
    self.close();
    return;
  }
  if (event.data === 'look') {
    let o = self;
    while (o && !Object.getOwnPropertyDescriptor(o, 'close')) o = Object.getPrototypeOf(o);
    const d = o && Object.getOwnPropertyDescriptor(o, 'close');
    self.postMessage([
      close.name,
      close.length,
      Function.prototype.toString.call(close),
      o && o.constructor && o.constructor.name,
      !!d && d.writable,
      !!d && d.enumerable,
    ]);
    return;
  }
  self.seed.answer(event.data, function (r) {
    self.postMessage(r);
  });
};
