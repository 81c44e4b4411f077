/** CRM's outbox relay publishes through the shared replaying bus: confirmed events reach `crm:sse:deals`. */
export { ReplayingEventBus } from '@polis/sse';
