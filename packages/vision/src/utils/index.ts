/**
 * Image utilities (torchvision.utils and image file I/O).
 *
 * @module
 */
export { makeGrid, type MakeGridOptions } from './grid.js';
export { saveImage } from './save-image.js';
export { encodePng, decodePng, decodeJpeg, decodeImage } from './image-io.js';
