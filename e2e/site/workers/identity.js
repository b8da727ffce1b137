// What a worker can see of the hook: its own URL, and constructors that look native.
self.onmessage = () => {
  self.postMessage({
    location: String(self.location),
    requestCtor: Request.prototype.constructor === Request,
    fetchNative: /\[native code\]/.test(Function.prototype.toString.call(fetch)),
    importScriptsName: importScripts.name,
    workerCtor: typeof Worker === 'function' ? Worker.prototype.constructor === Worker : 'no Worker',
  });
};
