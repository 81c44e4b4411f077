export * from './bus-logger.js';
export * from './bus-topology.js';
export * from './cloud-event.js';
export * from './create-event-bus.js';
export * from './event-bus.port.js';
export * from './memory.bus.js';
export * from './rabbitmq.bus.js';
export * from './topic-matcher.js';
