import { describe, expect, it } from 'vitest';
import { extractAccessToken, readCookie } from './bearer-token.js';

describe('readCookie', () => {
  it('finds a cookie among others, decoded', () => {
    expect(readCookie('a=1; crm_access_token=abc%2Edef; b=2', 'crm_access_token')).toBe('abc.def');
  });

  it('ignores names that only share a prefix and handles quotes', () => {
    expect(readCookie('xcrm_access_token=no; crm_access_token="yes"', 'crm_access_token')).toBe('yes');
  });

  it('answers undefined when absent or undecodable', () => {
    expect(readCookie(undefined, 'x')).toBeUndefined();
    expect(readCookie('y=1', 'x')).toBeUndefined();
    expect(readCookie('x=%E0%A4%A', 'x')).toBeUndefined();
  });
});

describe('extractAccessToken', () => {
  it('prefers the Authorization header, case-insensitive scheme', () => {
    expect(extractAccessToken({ authorization: 'bearer tok.en.x', cookie: 'crm_access_token=other' })).toBe('tok.en.x');
  });

  it('does not fall back to the cookie when a non-Bearer Authorization is sent', () => {
    expect(extractAccessToken({ authorization: 'Basic dXNlcjpwYXNz', cookie: 'crm_access_token=c' })).toBeUndefined();
  });

  it('reads the access-token cookie when there is no Authorization header', () => {
    expect(extractAccessToken({ cookie: 'crm_access_token=c.o.okie' })).toBe('c.o.okie');
    expect(extractAccessToken({ cookie: 'crm_access_token=' })).toBeUndefined();
    expect(extractAccessToken({})).toBeUndefined();
  });
});
