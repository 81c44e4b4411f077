export {
  type BackoffOptions,
  type EventSourceFactory,
  type EventSourceLike,
  EventStream,
  type EventStreamDeps,
  type StreamEvent,
  type StreamStatus,
  type StreamStopReason,
} from './event-stream';
export { type EventStreamOptions, type EventStreamState, type StreamToast, useEventStream } from './use-event-stream';
