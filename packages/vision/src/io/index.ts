/**
 * Downloading, extracting and checking dataset files (torchvision.datasets.utils).
 *
 * @module
 */
export { downloadUrl, downloadAndExtractArchive, extractArchive, type DownloadOptions, type DownloadAndExtractOptions } from './download.js';
export { md5File, checkFileIntegrity } from './md5.js';
export type { ProgressMode } from './progress.js';
