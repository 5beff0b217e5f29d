// The first module each DataLoader worker imports when the app runs from its TypeScript sources
// (`pnpm cifar10` is `tsx src/main.ts`): it registers tsx's loader in the worker thread, so that
// the worker can load @typetorch/vision's CIFAR10 from its .ts source without `pnpm build`. Plain
// JavaScript, because nothing in the worker can read TypeScript before it has run. Needed because
// Node 20 gives a worker thread neither the main thread's loader hooks nor `--import` from its
// execArgv, and `tsx/esm` registers itself on the main thread only.
import { register } from 'tsx/esm/api';

register();
