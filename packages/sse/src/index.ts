export { type ReplayEntry, ReplayLog } from './replay-log.js';
export { ReplayingEventBus } from './replaying-event-bus.js';
export { type PreCloseHooks, SseChannel, type SseTimings } from './sse-channel.js';
export { resumeIdOf, type SseStreamOptions, SseStreams } from './sse-stream.js';
