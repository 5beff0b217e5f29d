/**
 * Registers every derivative rule (imported for its side effect).
 *
 * @module
 */
import './elementwise.js';
import './reduce.js';
import './views.js';
import './linalg.js';
import './indexing.js';
import './conv.js';
