/**
 * The Proxy behind every {@link Module}: PyTorch's `Module.__setattr__`, `__getattr__` and
 * `__delattr__`. Assignments of Parameters, Modules and tensors to registered buffer names go to the
 * module's maps; everything else is an ordinary property of the instance.
 *
 * @module
 */
import { Tensor, keep } from '@typetorch/core';
import { Parameter } from './parameter.js';
import { typeName } from './module-util.js';
import type { Module } from './module.js';

/** Marks Module instances (set on `Module.prototype`), so this file needs no runtime import of Module. */
export const moduleBrand = Symbol.for('typetorch.nn.Module');

/** Whether `value` is a Module (or a subclass instance). */
export function isModule(value: unknown): value is Module {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[moduleBrand] === true;
}

/** Symbol under which an instance stores itself (the Proxy's target), for own-property checks. */
export const rawTarget = Symbol('typetorch.nn.Module.target');

/** The instance behind a module (its Proxy's target). */
export function rawOf(module: Module): Module {
  return (module as unknown as Record<symbol, Module>)[rawTarget] ?? module;
}

/** PyTorch's `hasattr(module, name)`; an own property still `undefined` (a declared-only field) does not count. */
export function hasAttr(raw: Module, name: string): boolean {
  if (raw._parameters.has(name) || raw._buffers.has(name) || raw._modules.has(name)) return true;
  if (Object.prototype.hasOwnProperty.call(raw, name)) return (raw as unknown as Record<string, unknown>)[name] !== undefined;
  return name in raw;
}

/** Removes `name` from the instance's own properties (a declared-only field, or a plain attribute). */
export function deleteOwn(raw: Module, name: string): void {
  if (Object.prototype.hasOwnProperty.call(raw, name)) Reflect.deleteProperty(raw, name);
}

/**
 * PyTorch's `Module.__setattr__` for registered kinds of values; returns false when `value` is a
 * plain attribute (to be stored on the instance).
 */
function setRegistered(raw: Module, proxy: Module, name: string, value: unknown): boolean {
  if (value instanceof Parameter) {
    deleteOwn(raw, name);
    raw._buffers.delete(name);
    raw._nonPersistentBuffers.delete(name);
    raw._modules.delete(name);
    proxy.registerParameter(name, value);
    return true;
  }
  if (raw._parameters.has(name)) {
    if (value !== null) {
      throw new TypeError(`[Module] cannot assign '${typeName(value)}' as parameter '${name}' (torch.nn.Parameter or None expected)`);
    }
    proxy.registerParameter(name, null);
    return true;
  }
  if (isModule(value)) {
    deleteOwn(raw, name);
    raw._parameters.delete(name);
    raw._buffers.delete(name);
    raw._nonPersistentBuffers.delete(name);
    raw._modules.set(name, value);
    return true;
  }
  if (raw._modules.has(name)) {
    if (value !== null) {
      throw new TypeError(`[Module] cannot assign '${typeName(value)}' as child module '${name}' (torch.nn.Module or None expected)`);
    }
    raw._modules.set(name, null);
    return true;
  }
  if (raw._buffers.has(name)) {
    if (value !== null && !(value instanceof Tensor)) {
      throw new TypeError(`[Module] cannot assign '${typeName(value)}' as buffer '${name}' (torch.Tensor or None expected)`);
    }
    raw._buffers.set(name, value === null ? null : keep(value));
    return true;
  }
  return false;
}

function isRegistered(raw: Module, name: string): boolean {
  return raw._parameters.has(name) || raw._buffers.has(name) || raw._modules.has(name);
}

/** The traps that give modules PyTorch's attribute semantics (shared by all instances). */
export const moduleHandler: ProxyHandler<Module> = {
  get(target, prop, receiver) {
    if (typeof prop === 'string' && !(prop in target)) {
      if (target._parameters.has(prop)) return target._parameters.get(prop);
      if (target._buffers.has(prop)) return target._buffers.get(prop);
      if (target._modules.has(prop)) return target._modules.get(prop);
    }
    return Reflect.get(target, prop, receiver);
  },
  set(target, prop, value, receiver) {
    if (typeof prop === 'string') {
      // `m.weight = undefined` on a registered name means "unset", as null does.
      const v = value === undefined && isRegistered(target, prop) ? null : value;
      if (setRegistered(target, receiver as Module, prop, v)) return true;
    }
    return Reflect.set(target, prop, value, receiver);
  },
  defineProperty(target, prop, descriptor) {
    if (typeof prop === 'string' && 'value' in descriptor) {
      // A field declared without initialiser (`weight!: Parameter`) defines `undefined`: it must
      // not unregister what a superclass constructor registered under that name.
      if (descriptor.value === undefined && isRegistered(target, prop)) return true;
      const proxy = (target as unknown as Record<symbol, Module>)[proxyOf] ?? target;
      if (setRegistered(target, proxy, prop, descriptor.value)) return true;
    }
    return Reflect.defineProperty(target, prop, descriptor);
  },
  deleteProperty(target, prop) {
    if (typeof prop === 'string') {
      if (target._parameters.delete(prop)) return true;
      if (target._buffers.delete(prop)) {
        target._nonPersistentBuffers.delete(prop);
        return true;
      }
      if (target._modules.delete(prop)) return true;
    }
    return Reflect.deleteProperty(target, prop);
  },
  has(target, prop) {
    if (typeof prop === 'string' && isRegistered(target, prop)) return true;
    return Reflect.has(target, prop);
  },
};

/** Symbol under which an instance stores its Proxy. */
export const proxyOf = Symbol('typetorch.nn.Module.proxy');

/** Wraps a new instance in the registering Proxy; the Module constructor returns the result. */
export function createModuleProxy(instance: Module): Module {
  const proxy = new Proxy(instance, moduleHandler);
  Object.defineProperty(instance, rawTarget, { value: instance });
  Object.defineProperty(instance, proxyOf, { value: proxy });
  return proxy;
}

/** The Proxy of an instance (the instance itself when it has none). */
export function proxyOfInstance(instance: Module): Module {
  return (instance as unknown as Record<symbol, Module>)[proxyOf] ?? instance;
}

/** PyTorch's `register_parameter` on an instance (see `Module.registerParameter`). */
export function registerParameterOn(raw: Module, name: string, param: Parameter | null): void {
  const op = 'registerParameter';
  if (typeof name !== 'string') throw new TypeError(`[${op}] parameter name should be a string. Got ${typeof name}`);
  if (name.includes('.')) throw new Error(`[${op}] parameter name can't contain "."`);
  if (name === '') throw new Error(`[${op}] parameter name can't be empty string ""`);
  if (hasAttr(raw, name) && !raw._parameters.has(name)) throw new Error(`[${op}] attribute '${name}' already exists`);
  if (param !== null && param !== undefined) {
    if (!(param instanceof Parameter)) {
      throw new TypeError(`[${op}] cannot assign '${typeName(param)}' object to parameter '${name}' (torch.nn.Parameter or None required)`);
    }
    if (param.gradFn !== null) {
      throw new Error(
        `[${op}] Cannot assign non-leaf Tensor to parameter '${name}'. Model parameters must be created explicitly. ` +
          `To express '${name}' as a function of another Tensor, compute the value in the forward() method.`,
      );
    }
  }
  deleteOwn(raw, name);
  raw._parameters.set(name, param ?? null);
}

/** PyTorch's `register_buffer` on an instance (see `Module.registerBuffer`). */
export function registerBufferOn(raw: Module, name: string, tensor: Tensor | null, persistent: boolean): void {
  const op = 'registerBuffer';
  if (typeof name !== 'string') throw new TypeError(`[${op}] buffer name should be a string. Got ${typeof name}`);
  if (name.includes('.')) throw new Error(`[${op}] buffer name can't contain "."`);
  if (name === '') throw new Error(`[${op}] buffer name can't be empty string ""`);
  if (hasAttr(raw, name) && !raw._buffers.has(name)) throw new Error(`[${op}] attribute '${name}' already exists`);
  if (tensor !== null && tensor !== undefined && !(tensor instanceof Tensor)) {
    throw new TypeError(`[${op}] cannot assign '${typeName(tensor)}' object to buffer '${name}' (torch Tensor or None required)`);
  }
  deleteOwn(raw, name);
  // Buffers are model state: never freed by an enclosing `tidy` (as parameters).
  raw._buffers.set(name, tensor === null || tensor === undefined ? null : keep(tensor));
  if (persistent) raw._nonPersistentBuffers.delete(name);
  else raw._nonPersistentBuffers.add(name);
}

/** PyTorch's `add_module` on an instance (see `Module.addModule`). */
export function addModuleOn(raw: Module, name: string, module: Module | null): void {
  const op = 'addModule';
  if (module !== null && module !== undefined && !isModule(module)) {
    throw new TypeError(`[${op}] ${typeName(module)} is not a Module subclass`);
  }
  if (typeof name !== 'string') throw new TypeError(`[${op}] module name should be a string. Got ${typeof name}`);
  if (hasAttr(raw, name) && !raw._modules.has(name)) throw new Error(`[${op}] attribute '${name}' already exists`);
  if (name.includes('.')) throw new Error(`[${op}] module name can't contain ".", got: ${name}`);
  if (name === '') throw new Error(`[${op}] module name can't be empty string ""`);
  deleteOwn(raw, name);
  raw._modules.set(name, module ?? null);
}
