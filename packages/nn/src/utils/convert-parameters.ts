/**
 * Flattening parameters into one vector and back (PyTorch's `parameters_to_vector` and
 * `vector_to_parameters`).
 *
 * @module
 */
import { Tensor, cat } from '@typetorch/core';

/** All `parameters` flattened and concatenated into one 1-D tensor (a copy). */
export function parametersToVector(parameters: Iterable<Tensor>): Tensor {
  const list = [...parameters];
  if (list.length > 0) {
    const device = list[0].device;
    for (const p of list) {
      if (p.device !== device) throw new Error('[parametersToVector] Found two parameters on different devices, this is currently not supported.');
    }
  }
  return cat(list.map((p) => p.reshape(-1)));
}

/**
 * Makes each of `parameters` a view of the matching slice of `vec` (PyTorch's
 * `vector_to_parameters`: `param.data = vec[pointer:pointer + n].view_as(param).data`).
 */
export function vectorToParameters(vec: Tensor, parameters: Iterable<Tensor>): void {
  if (!(vec instanceof Tensor)) throw new TypeError(`[vectorToParameters] expected vec to be a Tensor, but got: ${typeof vec}`);
  let pointer = 0;
  for (const param of parameters) {
    const n = param.numel();
    param.data = vec.narrow(0, pointer, n).viewAs(param).data;
    pointer += n;
  }
}
