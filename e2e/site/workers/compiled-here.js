// Instantiates a WebAssembly.Module the page compiled and posted (emscripten
// pthreads do this); 'leak' then leaks 100 × 1,024 B.
var exportsOf = null;
self.onmessage = function (event) {
  if (event.data instanceof WebAssembly.Module) {
    WebAssembly.instantiate(event.data, {}).then(
      function (instance) {
        instance.exports._initialize();
        exportsOf = instance.exports;
        self.postMessage('instantiated');
      },
      function (error) {
        self.postMessage('error: ' + error.message);
      },
    );
  } else if (event.data && event.data.sync instanceof WebAssembly.Module) {
    // The synchronous way: no time to ask the page for the bytes.
    const instance = new WebAssembly.Instance(event.data.sync, {});
    instance.exports._initialize();
    self.postMessage(typeof instance.exports.simulate_memory_leak);
  } else if (event.data === 'leak') {
    exportsOf.simulate_memory_leak();
    self.postMessage('leaked');
  }
};
