// What a worker can see of the hook: its own URL, and constructors that look
// native. A SharedWorker answers on each port that connects, with its name.
function look() {
  return {
    location: String(self.location),
    requestCtor: Request.prototype.constructor === Request,
    fetchNative: /\[native code\]/.test(Function.prototype.toString.call(fetch)),
    importScriptsName: importScripts.name,
    workerCtor: typeof Worker === 'function' ? Worker.prototype.constructor === Worker : 'no Worker',
  };
}
self.onmessage = () => {
  self.postMessage(look());
};
self.onconnect = (event) => {
  const port = event.ports[0];
  port.onmessage = () => port.postMessage(Object.assign(look(), { name: self.name }));
};
