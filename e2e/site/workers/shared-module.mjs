// A module SharedWorker: a static relative import, then the seed leak module.
// Its handler is set after the import, as module workers do: a connection
// that arrives while the module graph loads is dispatched once it has run.
import { answer } from './seed-module.mjs';
self.onconnect = (event) => {
  const port = event.ports[0];
  port.onmessage = (e) => answer(e.data, (r) => port.postMessage(r));
};
