// Go encoding/json, reproduced for the types Kruise hashes and decodes.
export { encodeGo, quantityText } from './encode.js';
export { decodeGo } from './decode.js';
export { goJsonString } from './string.js';
export { compareGoStrings, flatFields, goNumberText, type GoField, type GoStruct, type GoType } from './schema.js';
export * as coreV1 from './core-v1.js';
export * as kruiseTypes from './sidecarset-types.js';
