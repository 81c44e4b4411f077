import { callerDecorator } from '@polis/auth-kit';
import { callerOf } from './caller.js';

/** The verified caller of a guarded route. */
export const CurrentCaller = callerDecorator(callerOf);
