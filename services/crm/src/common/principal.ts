import { callerDecorator } from '@polis/auth-kit';
import { callerOf } from './caller.js';

/** The verified caller of a guarded route, as CRM's rules see it. */
export const CurrentCaller = callerDecorator(callerOf);
