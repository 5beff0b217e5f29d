/**
 * PyTorch's names for storage classes and dtypes, shared by the checkpoint reader and writer.
 *
 * @module
 */
import type { DType } from '../dtype.js';

/** The storage class (in module `torch`) that `torch.save` names for each dtype. */
export const STORAGE_CLASS: Readonly<Record<DType, string>> = {
  float32: 'FloatStorage',
  float64: 'DoubleStorage',
  int64: 'LongStorage',
  int32: 'IntStorage',
  uint8: 'ByteStorage',
  bool: 'BoolStorage',
};

/** Storage classes of PyTorch dtypes that typetorch does not have, with the dtype's name. */
export const UNSUPPORTED_STORAGE_CLASS: Readonly<Record<string, string>> = {
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  CharStorage: 'int8',
  ShortStorage: 'int16',
  ComplexFloatStorage: 'complex64',
  ComplexDoubleStorage: 'complex128',
  QUInt8Storage: 'quint8',
  QInt8Storage: 'qint8',
  QInt32Storage: 'qint32',
  QUInt4x2Storage: 'quint4x2',
  QUInt2x4Storage: 'quint2x4',
};

/** The dtype globals (`torch.float32`, ...) that a pickle may name, as typetorch dtypes. */
export const DTYPE_GLOBAL: Readonly<Record<string, DType>> = {
  float32: 'float32',
  float: 'float32',
  float64: 'float64',
  double: 'float64',
  int64: 'int64',
  long: 'int64',
  int32: 'int32',
  int: 'int32',
  uint8: 'uint8',
  bool: 'bool',
};

/** The dtypes typetorch reads and writes, for error messages. */
export const SUPPORTED_DTYPES = 'float32, float64, int64, int32, uint8 and bool';
