// The reader lives in @ordo/testing (the events bench reads streams too); kept here for this folder's imports.
export { SseReader, type SseMessage } from '@ordo/testing';
