/**
 * `activate`: an invited user's first password (token from the invitation link). `change`: the new
 * password a sign-in demanded (bootstrap admin, recovered account; token from the login's 403).
 */
export type ActivateMode = 'activate' | 'change';

export function activateModeOf(value: string | undefined): ActivateMode {
  return value === 'change' ? 'change' : 'activate';
}
