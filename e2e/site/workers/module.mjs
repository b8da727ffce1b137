// A module worker: a static relative import, then the seed leak module.
import { answer } from './seed-module.mjs';
self.onmessage = (event) => answer(event.data, (r) => self.postMessage(r));
